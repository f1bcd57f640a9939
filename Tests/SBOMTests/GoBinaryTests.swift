import Foundation
import SBOM
import Testing
import TestSupport

/// A Go binary built at test time by Debian's Go, read in the pass (found by its ELF magic),
/// against what `go version -m` reads of it.
@Suite struct GoBinaryTests {
    /// Builds a program requiring `github.com/example/dep/v2 v2.1.0`, replaced by a local
    /// directory (no network), into `binary`.
    static func build(in directory: TemporaryDirectory, to binary: String) throws {
        let files: [String: String] = [
            "dep/go.mod": "module github.com/example/dep/v2\n\ngo 1.18\n",
            "dep/dep.go": "package dep\n\nfunc Hello() string { return \"hello\" }\n",
            "app/go.mod": "module example.com/app\n\ngo 1.18\n\nrequire github.com/example/dep/v2 v2.1.0\n\nreplace github.com/example/dep/v2 => ../dep\n",
            "app/main.go": "package main\n\nimport (\n\t\"fmt\"\n\n\tdep \"github.com/example/dep/v2\"\n)\n\nfunc main() { fmt.Println(dep.Hello()) }\n",
        ]
        for (path, text) in files {
            try FileManager.default.createDirectory(atPath: directory.file((path as NSString).deletingLastPathComponent), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory.file(path)))
        }
        try Tool.check("go", ["build", "-o", binary, "."], environment: [
            "GOPATH": directory.file("gopath"), "GOCACHE": directory.file("gocache"), "GOPROXY": "off", "GOFLAGS": "-mod=mod",
            "CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "GOSUMDB": "off",
        ], directory: directory.file("app"))
    }

    @Test func buildInformationOfAGoBinary() throws {
        let fixture = try SBOMFixture()
        let layer = fixture.directory.file("layer/usr/local/bin")
        try FileManager.default.createDirectory(atPath: layer, withIntermediateDirectories: true)
        try Self.build(in: fixture.directory, to: layer + "/app")
        // Not Go, but ELF: no packages, no warning.
        try Data([0x7f, 0x45, 0x4c, 0x46] + [UInt8](repeating: 0x41, count: 100_000)).write(to: URL(fileURLWithPath: layer + "/other"))

        // The reference: Go's own reader of the build information.
        let reference = try Tool.check("go", ["version", "-m", layer + "/app"]).stdout
        let goVersion = try #require(reference.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        #expect(reference.contains("\tdep\tgithub.com/example/dep/v2\tv2.1.0"), "\(reference)")

        let tarball = fixture.directory.file("go.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "docker-oci",
                                   "--layer", fixture.directory.file("layer"), "--tag", "sbom/go:1", "--out", tarball])
        let image = try fixture.read(tarball).artifact.images[0]
        let catalog = ImageCatalog(image: image)
        let purls = Set(catalog.packages.map { PackageURL(package: $0, distro: nil).description })
        #expect(purls == [
            "pkg:golang/stdlib@\(goVersion.dropFirst(2))",
            "pkg:golang/example.com/app@%28devel%29",
            "pkg:golang/github.com/example/dep@v2.1.0#v2",
        ])
        #expect(catalog.packages.allSatisfy { $0.evidence == ["usr/local/bin/app"] })
        #expect(catalog.packages.first { $0.name == "example.com/app" }?.dependencies.sorted() == ["github.com/example/dep/v2", "stdlib"])
        #expect(catalog.packages.first { $0.name == "github.com/example/dep/v2" }?.supplier?.name == "example")
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")

        let path = fixture.directory.file("go.spdx.json")
        let subject = ImageSubject(image: image, name: "team/go", supplier: SPDXTests.supplier)
        try Data(SPDXEncoder(info: SPDXTests.info).encode(catalog, subject: subject)).write(to: URL(fileURLWithPath: path))
        let spdx = try SBOMValidators.pyspdxtools(path), ntia = try SBOMValidators.ntiaChecker(path)
        #expect(spdx.status == 0, "\(spdx.stdout)\(spdx.stderr)")
        #expect(ntia.stdout.contains("Conformant: True"), "\(ntia.stdout)")
    }
}
