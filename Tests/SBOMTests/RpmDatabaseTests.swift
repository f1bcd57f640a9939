import Foundation
import SBOM
import Testing
import TestSupport

/// The SQLite rpm database, made at test time by Debian's `rpm` itself (`rpmbuild` of small
/// spec files, `rpm -i --justdb` into a fresh `--dbpath` with the sqlite backend), read in the
/// pass and checked against what `rpm -qa` says of the same database.
@Suite struct RpmDatabaseTests {
    static let specs: [String: String] = [
        "hello-tool": """
            Name: hello-tool
            Version: 1.2.3
            Release: 4.el9_2
            Epoch: 2
            Summary: A tool
            License: MIT AND (Apache-2.0 OR GPL-2.0-or-later)
            Vendor: Example Org
            URL: https://example.org/hello
            BuildArch: noarch
            Provides: hello-capability
            %description
            \(String(repeating: "A tool that says hello, described at length so that its header is larger than a page. ", count: 80))
            %install
            mkdir -p %{buildroot}/usr/share/hello
            echo hello > %{buildroot}/usr/share/hello/readme
            %files
            /usr/share/hello/readme
            """,
        "uses-hello": """
            Name: uses-hello
            Version: 0.9+git5
            Release: 1
            Summary: Needs hello
            License: GPLv2+
            Packager: Jane Doe <jane@example.org>
            Requires: hello-capability
            %description
            Needs hello.
            %files
            """,
        "bare": """
            Name: bare
            Version: 10
            Release: 0
            Summary: No vendor; a packager with a URL, as Red Hat writes it
            License: GPLv3+ and ASL 2.0
            Packager: Example Builders <https://example.org/bugs>
            %description
            Bare.
            %files
            """,
    ]

    /// `rpmbuild`s the specs and installs them into `ROOT/var/lib/rpm`; returns the dbpath.
    static func makeDatabase(root: String, work: TemporaryDirectory, directory: String = "var/lib/rpm") throws -> String {
        var rpms: [String] = []
        for (name, spec) in specs {
            let file = work.file(name + ".spec")
            try Data(spec.utf8).write(to: URL(fileURLWithPath: file))
            try Tool.check("rpmbuild", ["--define", "_topdir " + work.file("rpmbuild"), "--define", "_build_id_links none", "-bb", file])
        }
        for directory in ["noarch", "x86_64", "aarch64"] {
            let path = work.file("rpmbuild/RPMS/" + directory)
            rpms += ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).map { path + "/" + $0 }
        }
        #expect(rpms.count == specs.count, "\(rpms)")
        let dbpath = root + "/" + directory
        try FileManager.default.createDirectory(atPath: dbpath, withIntermediateDirectories: true)
        let backend = ["--define", "_db_backend sqlite", "--dbpath", dbpath]
        try Tool.check("rpm", backend + ["--initdb"])
        try Tool.check("rpm", backend + ["-i", "--justdb", "--nodeps", "--noscripts", "--ignorearch", "--ignoreos"] + rpms.sorted())
        return dbpath
    }

    /// What `rpm -qa` says of the database: one dictionary of tags per package.
    static func query(_ dbpath: String, backend: String = "sqlite") throws -> [[String: String]] {
        let tags = ["NAME", "EPOCH", "VERSION", "RELEASE", "ARCH", "LICENSE", "VENDOR", "PACKAGER", "SOURCERPM", "URL"]
        let format = tags.map { "%{\($0)}" }.joined(separator: "\t") + "\n"
        let output = try Tool.check("rpm", ["--define", "_db_backend " + backend, "--dbpath", dbpath, "-qa", "--qf", format]).stdout
        return output.split(separator: "\n").map { line in
            Dictionary(uniqueKeysWithValues: zip(tags, line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)))
                .filter { $0.value != "(none)" }
        }
    }

    /// The purl spec's encoding of the one character of these versions that needs it.
    static func encode(_ text: String) -> String { text.replacingOccurrences(of: "+", with: "%2B") }

    @Test(arguments: ["var/lib/rpm", "usr/lib/sysimage/rpm"])
    func packagesAreWhatRpmSays(directory: String) throws {
        let fixture = try SBOMFixture()
        let layer = fixture.directory.file("layer")
        let dbpath = try Self.makeDatabase(root: layer, work: fixture.directory, directory: directory)
        try FileManager.default.createDirectory(atPath: layer + "/etc", withIntermediateDirectories: true)
        try Data("NAME=\"Red Hat Enterprise Linux\"\nID=\"rhel\"\nVERSION_ID=\"9.3\"\n".utf8).write(to: URL(fileURLWithPath: layer + "/etc/os-release"))
        let reference = try Self.query(dbpath)
        #expect(reference.count == Self.specs.count)

        let tarball = fixture.directory.file("rpm.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "docker-oci",
                                   "--layer", layer, "--tag", "sbom/rpm:1", "--out", tarball])
        let image = try fixture.read(tarball).artifact.images[0]
        let catalog = ImageCatalog(image: image)
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")
        #expect(catalog.distro?.qualifier == "rhel-9.3")
        try Self.expect(catalog, matches: reference, evidence: directory + "/rpmdb.sqlite", namespace: "redhat", distro: "rhel-9.3")

        // Both validators accept the documents.
        let subject = ImageSubject(image: image, name: "team/rhel", supplier: SPDXTests.supplier)
        let spdxPath = fixture.directory.file("rpm.spdx.json"), cdxPath = fixture.directory.file("rpm.cdx.json")
        let spdx = try SPDXEncoder(info: SPDXTests.info).encode(catalog, subject: subject)
        try Data(spdx).write(to: URL(fileURLWithPath: spdxPath))
        try Data(CycloneDXEncoder(info: SPDXTests.info).encode(catalog, subject: subject, toolVersion: "0.0.0"))
            .write(to: URL(fileURLWithPath: cdxPath))
        let pyspdx = try SBOMValidators.pyspdxtools(spdxPath), ntia = try SBOMValidators.ntiaChecker(spdxPath)
        #expect(pyspdx.status == 0, "\(pyspdx.stdout)\(pyspdx.stderr)")
        #expect(ntia.stdout.contains("Conformant: True"), "\(ntia.stdout)")
        let cdx = try SBOMValidators.cycloneDX(cdxPath)
        #expect(cdx.status == 0, "\(cdx.stdout)\(cdx.stderr)")
        let text = String(decoding: spdx, as: UTF8.self)
        #expect(text.contains("\"versionInfo\" : \"2:1.2.3-4.el9_2\""))
        // Fedora's legacy license names, as RHEL 9 writes them, become SPDX expressions.
        #expect(text.contains("\"licenseDeclared\" : \"GPL-2.0-or-later\""), "\(text)")
        #expect(text.contains("\"licenseDeclared\" : \"GPL-3.0-or-later AND Apache-2.0\""), "\(text)")
    }

    /// Every package `rpm -qa` lists, with the same epoch, version, release, arch, license,
    /// URL, source rpm and vendor (else packager), from `evidence`; nothing else.
    static func expect(_ catalog: ImageCatalog, matches reference: [[String: String]], evidence: String, namespace: String, distro: String) throws {
        #expect(catalog.packages.count == reference.count)
        for expected in reference {
            let name = try #require(expected["NAME"])
            let package = try #require(catalog.packages.first { $0.name == name }, "\(name) is missing")
            let versionRelease = "\(expected["VERSION"]!)-\(expected["RELEASE"]!)"
            #expect(package.version == (expected["EPOCH"].map { "\($0):" } ?? "") + versionRelease)
            #expect(package.ecosystem == .rpm)
            #expect(package.declaredLicense == expected["LICENSE"])
            #expect(package.homepage == expected["URL"])
            #expect(package.evidence == [evidence])
            var qualifiers = "arch=\(expected["ARCH"]!)&distro=\(distro)"
            if let epoch = expected["EPOCH"] { qualifiers += "&epoch=\(epoch)" }
            qualifiers += "&upstream=" + Self.encode(expected["SOURCERPM"]!)
            #expect(PackageURL(package: package, distro: catalog.distro).description
                    == "pkg:rpm/\(namespace)/\(name)@\(Self.encode(versionRelease))?\(qualifiers)")
            #expect(package.supplier?.name == expected["VENDOR"] ?? (name == "bare" ? "Example Builders" : "Jane Doe"))
        }
        #expect(catalog.packages.first { $0.name == "uses-hello" }?.dependencies == ["hello-tool"])
        #expect(catalog.packages.first { $0.name == "uses-hello" }?.supplier?.email == "jane@example.org")
    }

    /// The Berkeley DB `Packages` of RHEL 8, CentOS 7 and Amazon Linux 2: the headers rpm wrote,
    /// stored by Berkeley DB's own `db_load` under rpm's keys (the header number, native byte
    /// order; key 0 the next number), read back by rpm itself through its `bdb_ro` backend.
    /// One header is larger than a page, so it lies on overflow pages.
    @Test func berkeleyDBPackagesAreWhatRpmReads() throws {
        let fixture = try SBOMFixture()
        let sqlite = try Self.makeDatabase(root: fixture.directory.file("made"), work: fixture.directory)
        let layer = fixture.directory.file("layer")
        let dbpath = layer + "/var/lib/rpm"
        try FileManager.default.createDirectory(atPath: dbpath, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: layer + "/etc", withIntermediateDirectories: true)
        try Data("NAME=\"CentOS Linux\"\nID=\"centos\"\nVERSION_ID=\"7\"\n".utf8).write(to: URL(fileURLWithPath: layer + "/etc/os-release"))
        let dump = fixture.directory.file("packages.dump")
        try Tool.check("python3", ["-c", """
            import sqlite3, struct, sys
            rows = sqlite3.connect(sys.argv[1]).execute("SELECT hnum, blob FROM Packages ORDER BY hnum").fetchall()
            assert max(len(blob) for _, blob in rows) > 4096, "no header spills onto overflow pages"
            lines = ["VERSION=3", "format=bytevalue", "type=hash", "db_pagesize=4096", "HEADER=END"]
            lines += [" " + struct.pack("=I", 0).hex(), " " + struct.pack("=I", max(hnum for hnum, _ in rows) + 1).hex()]
            for hnum, blob in rows:
                lines += [" " + struct.pack("=I", hnum).hex(), " " + bytes(blob).hex()]
            open(sys.argv[2], "w").write("\\n".join(lines + ["DATA=END"]) + "\\n")
            """, sqlite + "/rpmdb.sqlite", dump])
        try Tool.check("db5.3_load", ["-f", dump, dbpath + "/Packages"])
        let reference = try Self.query(dbpath, backend: "bdb_ro")
        #expect(reference.count == Self.specs.count)

        let tarball = fixture.directory.file("bdb.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "docker-classic",
                                   "--layer", layer, "--tag", "sbom/centos:7", "--out", tarball])
        let catalog = ImageCatalog(image: try fixture.read(tarball).artifact.images[0])
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")
        try Self.expect(catalog, matches: reference, evidence: "var/lib/rpm/Packages", namespace: "centos", distro: "centos-7")

        // Every overflow page pointing back at itself: a loop that must end in a warning.
        try Tool.check("python3", ["-c", """
            import sys
            data = bytearray(open(sys.argv[1], "rb").read())
            looped = 0
            for number in range(1, len(data) // 4096):
                page = number * 4096
                if data[page + 25] == 7:
                    data[page + 16:page + 20] = number.to_bytes(4, sys.byteorder)
                    looped += 1
            assert looped > 0, "no overflow page"
            open(sys.argv[1], "wb").write(data)
            """, dbpath + "/Packages"])
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "docker-classic",
                                   "--layer", layer, "--tag", "sbom/centos:7", "--out", tarball])
        let looped = ImageCatalog(image: try fixture.read(tarball).artifact.images[0])
        #expect(looped.packages.isEmpty)
        let warned = looped.warnings.joined()
        #expect(warned.contains("/var/lib/rpm/Packages, which the rpm cataloger cannot read: ") && warned.contains("overflow"), "\(warned)")
    }

    /// Header blobs made to hurt, next to a good one in a database SQLite wrote: each bad one
    /// is skipped, the good one read; a file that is not SQLite, and the Berkeley DB and ndb
    /// databases, are warnings.
    @Test func hostileDatabasesAreWarningsNotCrashes() throws {
        let fixture = try SBOMFixture()
        let good = try Self.makeDatabase(root: fixture.directory.file("good"), work: fixture.directory)
        let layer = fixture.directory.file("layer")
        try FileManager.default.createDirectory(atPath: layer + "/var/lib/rpm", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: layer + "/usr/lib/sysimage/rpm", withIntermediateDirectories: true)
        try Tool.check("python3", ["-c", """
            import sqlite3, struct, sys
            good = [row[0] for row in sqlite3.connect(sys.argv[1]).execute("SELECT blob FROM Packages ORDER BY hnum")]
            first = good[0]
            il, dl = struct.unpack(">II", first[:8])
            bad = [
                b"",                                              # empty
                struct.pack(">II", 0x7fffffff, 16) + first[8:],   # index count past every bound
                struct.pack(">II", il, 0x7ffffff0) + first[8:],   # data length past the bound
                first[:-1],                                       # one byte short
                struct.pack(">II", il, dl) + struct.pack(">iIiI", 1000, 6, dl + 5, 1) + first[24:],  # name outside the data
                struct.pack(">II", 1, 4) + struct.pack(">iIiI", 1000, 6, 0, 1) + b"abcd",            # unterminated name
            ]
            db = sqlite3.connect(sys.argv[2])
            db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
            for blob in bad + good[:1]:
                db.execute("INSERT INTO Packages (blob) VALUES (?)", (blob,))
            db.commit()
            """, good + "/rpmdb.sqlite", layer + "/var/lib/rpm/rpmdb.sqlite"])
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131) }).write(to: URL(fileURLWithPath: layer + "/usr/lib/sysimage/rpm/rpmdb.sqlite"))
        try Data([UInt8](repeating: 0, count: 4096)).write(to: URL(fileURLWithPath: layer + "/var/lib/rpm/Packages"))
        try Data([UInt8](repeating: 0, count: 4096)).write(to: URL(fileURLWithPath: layer + "/usr/lib/sysimage/rpm/Packages.db"))

        let tarball = fixture.directory.file("hostile-rpm.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "docker-classic",
                                   "--layer", layer, "--tag", "sbom/rpm:1", "--out", tarball])
        let catalog = ImageCatalog(image: try fixture.read(tarball).artifact.images[0])
        #expect(catalog.packages.count == 1)
        #expect(catalog.packages.allSatisfy { $0.ecosystem == .rpm && $0.evidence == ["var/lib/rpm/rpmdb.sqlite"] })
        #expect(Set(try Self.query(good).map { $0["NAME"]! }).contains(catalog.packages.first?.name ?? ""))
        let warned = catalog.warnings.joined(separator: "\n")
        #expect(warned.contains("/var/lib/rpm/rpmdb.sqlite: 5 package headers were unreadable and skipped"), "\(warned)")
        #expect(warned.contains("/usr/lib/sysimage/rpm/rpmdb.sqlite"), "\(warned)")
        #expect(warned.contains("/var/lib/rpm/Packages, which the rpm cataloger cannot read: it is not a Berkeley DB hash database"), "\(warned)")
        #expect(warned.contains("/usr/lib/sysimage/rpm/Packages.db: it is an ndb rpm database"), "\(warned)")
    }
}
