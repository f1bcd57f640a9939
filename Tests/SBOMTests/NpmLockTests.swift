import Foundation
import SBOM
import Testing
import TestSupport

/// npm lock files written by npm itself (offline, from packages `npm pack`ed at test time),
/// checked against what `npm ls` reads of them; CPEs checked by both validators.
@Suite struct NpmLockTests {
    /// A project installed by npm into `root/app`: alpha and @scope/beta as dependencies,
    /// gamma as a development dependency.
    static func install(into root: String, work: TemporaryDirectory) throws -> String {
        let packages = [("alpha", "alpha", "1.0.0", "MIT"), ("beta", "@scope/beta", "2.1.0", "Apache-2.0"), ("gamma", "gamma", "0.3.0", "ISC")]
        var tarballs: [String: String] = [:]
        for (directory, name, version, license) in packages {
            let path = work.file("npm/" + directory)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try Data(#"{"name":"\#(name)","version":"\#(version)","license":"\#(license)"}"#.utf8).write(to: URL(fileURLWithPath: path + "/package.json"))
            let packed = try Tool.check("npm", ["pack", "--silent", "--pack-destination", work.file("npm")], directory: path).stdout
            tarballs[name] = work.file("npm/" + packed.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let app = root + "/app"
        try FileManager.default.createDirectory(atPath: app, withIntermediateDirectories: true)
        let project = #"{"name":"app","version":"1.0.0","dependencies":{"alpha":"file:\#(tarballs["alpha"]!)","@scope/beta":"file:\#(tarballs["@scope/beta"]!)"},"devDependencies":{"gamma":"file:\#(tarballs["gamma"]!)"}}"#
        try Data(project.utf8).write(to: URL(fileURLWithPath: app + "/package.json"))
        try Tool.check("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], environment: [
            "npm_config_cache": work.file("npm-cache"), "npm_config_update_notifier": "false",
        ], directory: app)
        return app
    }

    /// `name@version` of what `npm ls` says is installed (or, with `lockOnly`, locked) without
    /// development dependencies.
    static func reference(_ app: String, lockOnly: Bool) throws -> Set<String> {
        let output = try Tool.check("npm", ["ls", "--all", "--json", "--omit=dev"] + (lockOnly ? ["--package-lock-only"] : []), directory: app)
        let tree = try #require(try JSONSerialization.jsonObject(with: output.stdoutData) as? [String: Any])
        var found = Set<String>()
        func walk(_ dependencies: [String: Any]?) {
            for (name, value) in dependencies ?? [:] {
                guard let entry = value as? [String: Any], let version = entry["version"] as? String else { continue }
                found.insert("\(name)@\(version)")
                walk(entry["dependencies"] as? [String: Any])
            }
        }
        walk(tree["dependencies"] as? [String: Any])
        return found
    }

    static func fullName(_ package: SoftwarePackage) -> String {
        (package.namespace.map { $0 + "/" } ?? "") + package.name + "@" + package.version
    }

    @Test func aLockFileWithoutNodeModulesListsWhatNpmLocked() throws {
        let fixture = try SBOMFixture()
        let layer = fixture.directory.file("layer")
        let app = try Self.install(into: layer, work: fixture.directory)
        let expected = try Self.reference(app, lockOnly: true)
        #expect(expected == ["alpha@1.0.0", "@scope/beta@2.1.0"])
        try FileManager.default.removeItem(atPath: app + "/node_modules")

        let tarball = fixture.directory.file("lock.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "docker-classic",
                                   "--layer", layer, "--tag", "sbom/npm:1", "--out", tarball])
        let image = try fixture.read(tarball).artifact.images[0]
        let catalog = ImageCatalog(image: image)
        // What npm locked, and the project itself.
        #expect(Set(catalog.packages.map(Self.fullName)) == expected.union(["app@1.0.0"]))
        #expect(catalog.packages.allSatisfy { $0.ecosystem == .npm && $0.evidence == ["app/package-lock.json"] })
        #expect(catalog.packages.first { $0.name == "beta" }?.declaredLicense == "Apache-2.0")
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")

        let subject = ImageSubject(image: image, name: "team/node", supplier: SPDXTests.supplier)
        let spdxPath = fixture.directory.file("npm.spdx.json"), cdxPath = fixture.directory.file("npm.cdx.json")
        let spdx = try SPDXEncoder(info: SPDXTests.info).encode(catalog, subject: subject)
        try Data(spdx).write(to: URL(fileURLWithPath: spdxPath))
        try Data(CycloneDXEncoder(info: SPDXTests.info).encode(catalog, subject: subject, toolVersion: "0.0.0")).write(to: URL(fileURLWithPath: cdxPath))
        let text = String(decoding: spdx, as: UTF8.self)
        #expect(text.contains(#""referenceLocator" : "cpe:2.3:a:scope:beta:2.1.0:*:*:*:*:*:*:*""#), "\(text)")
        #expect(text.contains(#""referenceType" : "cpe23Type""#))
        let cdx = try String(contentsOfFile: cdxPath, encoding: .utf8)
        #expect(cdx.contains(#""cpe" : "cpe:2.3:a:alpha:alpha:1.0.0:*:*:*:*:*:*:*""#), "\(cdx)")
        let pyspdx = try SBOMValidators.pyspdxtools(spdxPath)
        #expect(pyspdx.status == 0, "\(pyspdx.stdout)\(pyspdx.stderr)")
        let schema = try SBOMValidators.cycloneDX(cdxPath)
        #expect(schema.status == 0, "\(schema.stdout)\(schema.stderr)")
    }

    @Test func installedPackagesAreListedOnceFromTheirPackageJSON() throws {
        let fixture = try SBOMFixture()
        let layer = fixture.directory.file("layer")
        let app = try Self.install(into: layer, work: fixture.directory)
        #expect(FileManager.default.fileExists(atPath: app + "/node_modules/.package-lock.json"))
        // Installed: the development dependency too (npm install without --omit=dev).
        let installed = try Self.reference(app, lockOnly: false).union(["gamma@0.3.0"])

        let tarball = fixture.directory.file("installed.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "docker-classic",
                                   "--layer", layer, "--tag", "sbom/npm:1", "--out", tarball])
        let catalog = ImageCatalog(image: try fixture.read(tarball).artifact.images[0])
        #expect(catalog.packages.map(Self.fullName).sorted() == installed.union(["app@1.0.0"]).sorted())
        #expect(catalog.packages.allSatisfy { $0.evidence.first?.hasSuffix("/package.json") == true || $0.name == "app" },
                "\(catalog.packages.map(\.evidence))")
        #expect(catalog.packages.first { $0.name == "app" }?.dependencies == ["@scope/beta", "alpha"])
    }

    /// What npm wrote is read above; the shapes npm writes for other projects, by hand:
    /// nested installs, workspace links, the v1 format.
    @Test func nestedLinkedAndVersionOneEntries() throws {
        let v3 = #"""
            {"lockfileVersion": 3, "packages": {
              "": {"name": "app", "version": "1.0.0"},
              "node_modules/a": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz", "dependencies": {"b": "^2"}},
              "node_modules/a/node_modules/b": {"version": "2.0.0"},
              "node_modules/aliased": {"name": "real-name", "version": "3.0.0"},
              "node_modules/ws": {"resolved": "packages/ws", "link": true},
              "packages/ws": {"name": "ws", "version": "0.0.1"},
              "node_modules/devtool": {"version": "9.9.9", "dev": true}
            }}
            """#
        let result = try NpmLockCataloger().catalog(MetadataFile(path: "srv/package-lock.json", bytes: Array(v3.utf8)))
        #expect(result.packages.map(Self.fullName).sorted() == ["a@1.0.0", "app@1.0.0", "b@2.0.0", "real-name@3.0.0"])
        #expect(result.packages.first { $0.name == "a" }?.supplier?.name == "registry.npmjs.org")
        #expect(result.packages.first { $0.name == "a" }?.dependencies == ["b"])

        let v1 = #"{"name": "old", "version": "0.0.1", "lockfileVersion": 1, "dependencies": {"x": {"version": "1.2.3", "requires": {"y": "^1"}, "dependencies": {"y": {"version": "1.0.0"}}}, "t": {"version": "0.1.0", "dev": true}}}"#
        let old = try NpmLockCataloger().catalog(MetadataFile(path: "srv/package-lock.json", bytes: Array(v1.utf8)))
        #expect(old.packages.map(Self.fullName).sorted() == ["old@0.0.1", "x@1.2.3", "y@1.0.0"])
        #expect(old.packages.first { $0.name == "old" }?.dependencies == ["x"])

        #expect(NpmLockCataloger().reads(path: "app/package-lock.json"))
        #expect(NpmLockCataloger().reads(path: "app/node_modules/.package-lock.json"))
        #expect(!NpmLockCataloger().reads(path: "app/node_modules/left-pad/package-lock.json"))
        #expect(throws: MalformedMetadata.self) { try NpmLockCataloger().catalog(MetadataFile(path: "package-lock.json", bytes: Array("[1]".utf8))) }
    }
}
