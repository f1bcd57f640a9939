import SBOM
import Testing

/// Each cataloger against its hand-built fixture files.
@Suite struct CatalogerTests {
    @Test func dpkgStatusListsInstalledPackagesOnly() throws {
        let result = try DpkgCataloger().catalog(SBOMFixture.file("base/var/lib/dpkg/status"))
        #expect(result.packages.map(\.name) == ["base-files", "libc6", "libgcc-s1", "bash"])
        let libc = try #require(result.packages.first { $0.name == "libc6" })
        #expect(libc.version == "2.36-9+deb12u7")
        #expect(libc.qualifiers == ["arch": "amd64", "upstream": "glibc"])
        #expect(libc.supplier == Supplier(kind: .organization, name: "GNU Libc Maintainers", email: "debian-glibc@lists.debian.org"))
        #expect(libc.dependencies == ["libgcc-s1"])
        let bash = try #require(result.packages.first { $0.name == "bash" })
        #expect(bash.dependencies == ["libc6", "libtinfo6", "libncurses6"])
        #expect(bash.supplier?.kind == .person)
        let gcc = try #require(result.packages.first { $0.name == "libgcc-s1" })
        #expect(gcc.qualifiers["upstream"] == "gcc-12@12.2.0-14")
    }

    @Test func dpkgDistrolessStatusDirectory() throws {
        let cataloger = DpkgCataloger()
        #expect(cataloger.reads(path: "var/lib/dpkg/status.d/tzdata"))
        #expect(!cataloger.reads(path: "var/lib/dpkg/status.d/tzdata.md5sums"))
        #expect(!cataloger.reads(path: "var/lib/dpkg/status-old"))
        let result = try cataloger.catalog(SBOMFixture.file("distroless/var/lib/dpkg/status.d/tzdata"))
        #expect(result.packages.map(\.name) == ["tzdata"])
        #expect(result.packages[0].version == "2024a-0+deb12u1")
    }

    @Test func debianCopyrightFiles() throws {
        let cataloger = DebianCopyrightCataloger()
        #expect(cataloger.reads(path: "usr/share/doc/bash/copyright"))
        #expect(!cataloger.reads(path: "usr/share/doc/bash/examples/copyright"))
        let bash = try cataloger.catalog(SBOMFixture.file("base/usr/share/doc/bash/copyright"))
        #expect(bash.licenses == ["bash": "GPL-3+ AND Expat"])
        #expect(LicenseExpression(declared: "GPL-3+ AND Expat") == .spdx("GPL-3.0-or-later AND MIT"))
        #expect(try cataloger.catalog(SBOMFixture.file("base/usr/share/doc/libc6/copyright")).licenses.isEmpty, "not DEP-5")
    }

    @Test func apkDatabase() throws {
        let result = try ApkCataloger().catalog(SBOMFixture.file("alpine/lib/apk/db/installed"))
        #expect(result.packages.map(\.name) == ["musl", "busybox", "ssl_client"])
        let musl = result.packages[0]
        #expect(musl.version == "1.2.4_git20230717-r4")
        #expect(musl.declaredLicense == "MIT")
        #expect(musl.supplier?.name == "Timo Teräs")
        #expect(result.packages[1].dependencies == ["musl"])
        #expect(result.packages[2].qualifiers["upstream"] == "busybox")
    }

    @Test func osRelease() throws {
        let debian = try OSReleaseCataloger().catalog(SBOMFixture.file("base/etc/os-release")).distro
        #expect(debian == Distro(id: "debian", versionID: "12", prettyName: "Debian GNU/Linux 12 (bookworm)"))
        #expect(try OSReleaseCataloger().catalog(SBOMFixture.file("alpine/etc/os-release")).distro?.qualifier == "alpine-3.19.1")
        #expect(throws: MalformedMetadata.self) {
            try OSReleaseCataloger().catalog(MetadataFile(path: "etc/os-release", bytes: Array("NAME=x\n".utf8)))
        }
    }

    @Test func pythonDistInfoAndEggInfo() throws {
        let cataloger = PythonCataloger()
        #expect(cataloger.reads(path: "usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA"))
        #expect(cataloger.reads(path: "x/PyYAML-6.0.1.egg-info/PKG-INFO"))
        #expect(!cataloger.reads(path: "x/six-1.16.0.dist-info/RECORD"))
        let six = try cataloger.catalog(SBOMFixture.file("base/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA")).packages[0]
        #expect(six.name == "six" && six.version == "1.16.0")
        #expect(six.declaredLicense == "MIT", "the header, not the body's License: line")
        #expect(six.supplier == Supplier(kind: .person, name: "Benjamin Peterson", email: "benjamin@python.org"))
        #expect(six.homepage == "https://github.com/benjaminp/six")
        let yaml = try cataloger.catalog(SBOMFixture.file("base/usr/lib/python3/dist-packages/PyYAML-6.0.1.egg-info/PKG-INFO")).packages[0]
        #expect(PackageURL(package: yaml, distro: nil).description == "pkg:pypi/pyyaml@6.0.1")
        #expect(yaml.dependencies == ["six"])
    }

    @Test func npmPackageJSON() throws {
        let cataloger = NpmCataloger()
        #expect(cataloger.reads(path: "usr/lib/node_modules/left-pad/package.json"))
        #expect(cataloger.reads(path: "usr/lib/node_modules/@types/node/package.json"))
        #expect(cataloger.reads(path: "usr/share/nodejs/semver/package.json"))
        #expect(!cataloger.reads(path: "usr/lib/node_modules/left-pad/lib/package.json"))
        #expect(!cataloger.reads(path: "opt/app/package.json"))
        let types = try cataloger.catalog(SBOMFixture.file("base/usr/lib/node_modules/@types/node/package.json")).packages[0]
        #expect(PackageURL(package: types, distro: nil).description == "pkg:npm/%40types/node@20.11.5")
        #expect(types.supplier?.name == "DefinitelyTyped")
        let leftPad = try cataloger.catalog(SBOMFixture.file("base/usr/lib/node_modules/left-pad/package.json")).packages[0]
        #expect(leftPad.supplier == Supplier(kind: .person, name: "azer", email: "azer@roadbeats.com"))
        #expect(leftPad.dependencies == ["ms"])
        #expect(try cataloger.catalog(SBOMFixture.file("base/opt/app/node_modules/ms/package.json")).packages[0].declaredLicense == "MIT")
        let semver = try cataloger.catalog(SBOMFixture.file("base/usr/share/nodejs/semver/package.json")).packages[0]
        #expect(semver.supplier == Supplier(kind: .organization, name: "npm"), "no author: the repository's owner")
    }

    @Test func malformedFilesThrowTheirReason() throws {
        #expect(throws: MalformedMetadata.self) { try DpkgCataloger().catalog(SBOMFixture.file("malformed/var/lib/dpkg/status")) }
        #expect(throws: MalformedMetadata.self) {
            try PythonCataloger().catalog(SBOMFixture.file("malformed/usr/lib/python3/dist-packages/broken-1.0.dist-info/METADATA"))
        }
        #expect(throws: MalformedMetadata.self) { try NpmCataloger().catalog(SBOMFixture.file("malformed/usr/lib/node_modules/bad/package.json")) }
    }
}

@Suite struct IdentifierTests {
    @Test func purlsAsTheSpecAndFormatsMdWriteThem() {
        var bash = SoftwarePackage(name: "bash", version: "5.2.15-2+b2", ecosystem: .deb, evidence: [])
        bash.qualifiers["arch"] = "amd64"
        #expect(PackageURL(package: bash, distro: Distro(id: "debian", versionID: "12")).description
            == "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12")
        let epoch = SoftwarePackage(name: "perl", version: "1:5.36", ecosystem: .deb, evidence: [])
        #expect(PackageURL(package: epoch, distro: nil).description == "pkg:deb/debian/perl@1%3A5.36")
        let python = SoftwarePackage(name: "Charset_Normalizer", version: "3.4.0", ecosystem: .pypi, evidence: [])
        #expect(PackageURL(package: python, distro: nil).description == "pkg:pypi/charset-normalizer@3.4.0")
    }

    @Test func licensesBecomeSPDXExpressionsOrReferences() {
        #expect(LicenseExpression(declared: "mit") == .spdx("MIT"))
        #expect(LicenseExpression(declared: "MIT OR Apache-2.0") == .spdx("MIT OR Apache-2.0"))
        #expect(LicenseExpression(declared: "(mit and bsd-3-clause)") == .spdx("(MIT AND BSD-3-Clause)"))
        #expect(LicenseExpression(declared: "GPL-2.0-or-later WITH Classpath-exception-2.0") == .spdx("GPL-2.0-or-later WITH Classpath-exception-2.0"))
        #expect(LicenseExpression(declared: "Apache 2.0") == .spdx("Apache-2.0"))
        #expect(LicenseExpression(declared: "BSD") == .reference(id: "LicenseRef-BSD", text: "BSD"))
        #expect(LicenseExpression(declared: "Public Domain / CC0") == .reference(id: "LicenseRef-Public-Domain---CC0", text: "Public Domain / CC0"))
        #expect(LicenseExpression(declared: "MIT OR") == .reference(id: "LicenseRef-MIT-OR", text: "MIT OR"))
        #expect(LicenseExpression(declared: "UNKNOWN") == nil)
    }

    @Test func timestampFromSourceDateEpoch() {
        #expect(DocumentInfo.timestamp(environment: ["SOURCE_DATE_EPOCH": "1700000000"], now: 0) == "2023-11-14T22:13:20Z")
        #expect(DocumentInfo.timestamp(environment: [:], now: 951_782_400) == "2000-02-29T00:00:00Z")
    }
}
