import Foundation
import Testing
import TestSupport

/// `publish` writes the SBOM in the same pass; `sbom` writes it alone; both checked by the
/// independent validators.
@Suite struct SBOMCommandTests {
    static let supplier = ["--sbom-supplier", "Organization: Example Team (team@example.org)"]

    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func validate(_ path: String) throws {
        let spdx = try SBOMValidators.pyspdxtools(path)
        #expect(spdx.status == 0, "pyspdxtools: \(spdx.stdout)\(spdx.stderr)")
        let ntia = try SBOMValidators.ntiaChecker(path)
        #expect(ntia.status == 0 && ntia.stdout.contains("Conformant: True"), "ntia-checker: \(ntia.stdout)\(ntia.stderr)")
    }

    static func rootVersion(_ document: [String: Any]) -> String? {
        (document["packages"] as? [[String: Any]])?.first { $0["SPDXID"] as? String == "SPDXRef-Image" }?["versionInfo"] as? String
    }

    @Test func publishWritesTheSBOMOfTheImageItWrote() throws {
        let output = try TemporaryDirectory("publish-sbom")
        let result = try CLI.publishLocally(Paths.fixtureImage("sample-docker-classic.tar"), output: output.path, Self.supplier + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let sbom = try #require((report["sbom"] as? [[String: Any]])?.first)
        #expect(sbom["ecosystems"] as? [String: Int] == ["deb": 3, "npm": 1, "pypi": 1])
        #expect(sbom["files"] as? [String] == [output.file("sbom.spdx.json")])
        try Self.validate(output.file("sbom.spdx.json"))
        let manifest = (report["manifest"] as? [String: Any])?["digest"] as? String
        #expect(Self.rootVersion(try Self.json(output.file("sbom.spdx.json"))) == manifest)
    }

    static func rootPurl(_ document: [String: Any]) -> String? {
        let root = (document["packages"] as? [[String: Any]])?.first { $0["SPDXID"] as? String == "SPDXRef-Image" }
        return ((root?["externalRefs"] as? [[String: Any]])?.first?["referenceLocator"]) as? String
    }

    /// Uncompressed layers: by default the SBOM names the image ID (nothing compressed, so
    /// no manifest digest is claimed); `--exact-digest` names the manifest digest publish pushes.
    @Test func sbomCommandNamesTheDigestPublishPushes() throws {
        let directory = try TemporaryDirectory("sbom-command")
        let input = Paths.fixtureImage("sample-docker-classic.tar")
        let published = try CLI.publishLocally(input, output: directory.file("out"), ["--json", "--no-sbom"])
        #expect(published.status == 0, "\(published.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("out/sbom.spdx.json")), "--no-sbom")
        let report = try #require(try JSONSerialization.jsonObject(with: published.stdoutData) as? [String: Any])
        let manifest = try #require((report["manifest"] as? [String: Any])?["digest"] as? String)
        let config = try #require(((report["images"] as? [[String: Any]])?.first?["config"] as? [String: Any])?["digest"] as? String)

        let result = try CLI.run(["sbom", input, "--format", "spdx-json", "--output", directory.file("image.spdx.json"),
                                  "--repository", "team/app", "--json"] + Self.supplier)
        #expect(result.status == 0, "\(result.stderr)")
        let sbom = try #require((try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])?.first)
        #expect(sbom["ecosystems"] as? [String: Int] == ["deb": 3, "npm": 1, "pypi": 1])
        #expect(sbom["imageID"] as? String == config)
        #expect(sbom["manifestDigest"] == nil)
        try Self.validate(directory.file("image.spdx.json"))
        let document = try Self.json(directory.file("image.spdx.json"))
        #expect(Self.rootVersion(document) == config)
        #expect(Self.rootPurl(document) == "pkg:oci/app?arch=amd64&os=linux")
        #expect(!FileManager.default.fileExists(atPath: directory.file("blobs")))
        let cyclonedx = try CLI.run(["sbom", input, "--format", "cyclonedx-json", "--output", directory.file("image.cdx.json")] + Self.supplier)
        #expect(cyclonedx.status == 0, "\(cyclonedx.stderr)")
        let schema = try SBOMValidators.cycloneDX(directory.file("image.cdx.json"))
        #expect(schema.status == 0, "\(schema.stdout)\(schema.stderr)")
        #expect(((try Self.json(directory.file("image.cdx.json"))["metadata"] as? [String: Any])?["component"] as? [String: Any])?["version"] as? String == config)

        let exact = try CLI.run(["sbom", input, "--exact-digest", "--output", directory.file("exact.spdx.json"), "--repository", "team/app"] + Self.supplier)
        #expect(exact.status == 0, "\(exact.stderr)")
        #expect(exact.stdout.contains("5 packages (3 deb, 1 npm, 1 pypi)"), "\(exact.stdout)")
        #expect(exact.stdout.contains("image     manifest \(manifest)"), "\(exact.stdout)")
        try Self.validate(directory.file("exact.spdx.json"))
        #expect(Self.rootVersion(try Self.json(directory.file("exact.spdx.json"))) == manifest)
    }

    /// Layers already compressed are pushed as they are: the manifest digest is known without
    /// compressing anything.
    @Test func compressedLayersNameTheManifestDigestWithoutCompressing() throws {
        let directory = try TemporaryDirectory("sbom-compressed")
        let input = Paths.fixtureImage("sample-oci-archive.tar")
        let published = try CLI.publishLocally(input, output: directory.file("out"), ["--json", "--no-sbom"])
        #expect(published.status == 0, "\(published.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: published.stdoutData) as? [String: Any])
        let manifest = try #require((report["manifest"] as? [String: Any])?["digest"] as? String)
        let result = try CLI.run(["sbom", input, "--output", directory.file("image.spdx.json"), "--repository", "team/app"] + Self.supplier)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("image     manifest \(manifest)"), "\(result.stdout)")
        let document = try Self.json(directory.file("image.spdx.json"))
        #expect(Self.rootVersion(document) == manifest)
        #expect(Self.rootPurl(document)?.hasPrefix("pkg:oci/app@" + manifest.replacingOccurrences(of: ":", with: "%3A")) == true)
    }

    @Test func aMultiPlatformImageGetsOneSBOMPerPlatform() throws {
        let directory = try TemporaryDirectory("sbom-multi")
        let result = try CLI.run(["sbom", Paths.fixtureImage("multi-arch-oci.tar"), "--output", directory.file("sbom.json")] + Self.supplier)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            == ["sbom-linux-amd64.json", "sbom-linux-arm64-v8.json"])
        try Self.validate(directory.file("sbom-linux-arm64-v8.json"))
    }

    @Test func sourceDateEpochMakesTheDocumentReproducible() throws {
        let directory = try TemporaryDirectory("sbom-epoch")
        let input = Paths.fixtureImage("sample-oci-archive.tar")
        for name in ["a.json", "b.json"] {
            let result = try Tool.run(Paths.executable, ["sbom", input, "--output", directory.file(name)], environment: ["SOURCE_DATE_EPOCH": "1700000000"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: directory.file("a.json")))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: directory.file("b.json")))))
        #expect((try Self.json(directory.file("a.json"))["creationInfo"] as? [String: Any])?["created"] as? String == "2023-11-14T22:13:20Z")
    }

    @Test func aBadSupplierIsAUsageError() throws {
        let directory = try TemporaryDirectory("sbom-bad")
        let result = try CLI.run(["sbom", Paths.fixtureImage("sample-oci-archive.tar"), "--output", directory.file("x.json"), "--sbom-supplier", "Acme"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--sbom-supplier takes"))
    }
}

extension SBOMCommandTests {
    @Test func publishWritesBothFormatsWhenAsked() throws {
        let output = try TemporaryDirectory("publish-both")
        let result = try CLI.publishLocally(Paths.fixtureImage("sample-oci-archive.tar"), output: output.path,
                                            Self.supplier + ["--sbom-format", "spdx-json", "--sbom-format", "cyclonedx-json"])
        #expect(result.status == 0, "\(result.stderr)")
        try Self.validate(output.file("sbom.spdx.json"))
        let schema = try SBOMValidators.cycloneDX(output.file("sbom.cdx.json"))
        #expect(schema.status == 0, "\(schema.stdout)\(schema.stderr)")
        let bom = try Self.json(output.file("sbom.cdx.json"))
        #expect(bom["specVersion"] as? String == "1.6")
    }
}
