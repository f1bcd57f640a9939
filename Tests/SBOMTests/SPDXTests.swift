import Foundation
import SBOM
import Testing
import TestSupport

/// The SPDX document, checked by the independent validators.
@Suite struct SPDXTests {
    static let supplier = Supplier(kind: .organization, name: "Example Team", email: "team@example.org")
    static let info = DocumentInfo(created: "2023-11-14T22:13:20Z", tool: "ecr-publish-test")

    /// The document of an image of `layers`, written in the returned fixture's directory.
    func document(_ layers: [String]) throws -> (path: String, json: [String: Any], fixture: SBOMFixture) {
        let fixture = try SBOMFixture()
        let (catalog, image) = try fixture.catalog(layers)
        let bytes = try SPDXEncoder(info: Self.info).encode(catalog, subject: ImageSubject(image: image, name: "team/app", supplier: Self.supplier))
        let path = fixture.directory.file("sbom.spdx.json")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        // Same input, same bytes.
        #expect(try SPDXEncoder(info: Self.info).encode(catalog, subject: ImageSubject(image: image, name: "team/app", supplier: Self.supplier)) == bytes)
        return (path, json, fixture)
    }

    @Test(arguments: [["base"], ["base", "upper"], ["alpine"], ["distroless"], ["base", "malformed"], ["langs"]])
    func validatorsAcceptIt(layers: [String]) throws {
        let (path, _, fixture) = try document(layers)
        defer { withExtendedLifetime(fixture) {} }
        let spdx = try SBOMValidators.pyspdxtools(path), ntia = try SBOMValidators.ntiaChecker(path)
        #expect(spdx.status == 0, "pyspdxtools: \(spdx.stdout)\(spdx.stderr)")
        guard layers != ["langs"] else {
            // A .NET deps.json names no author: NTIA's supplier check is the one it fails.
            #expect(ntia.stdout.contains("All component suppliers provided?              | False"), "\(ntia.stdout)")
            #expect(ntia.stdout.split(separator: "\n").filter { $0.hasSuffix("| False") }.count == 1, "\(ntia.stdout)")
            return
        }
        #expect(ntia.status == 0 && ntia.stdout.contains("Conformant: True"), "ntia-checker: \(ntia.stdout)\(ntia.stderr)")
    }

    @Test func rootPackageRelationshipsAndPurls() throws {
        let (_, json, _) = try document(["base"])
        let packages = try #require(json["packages"] as? [[String: Any]])
        let root = try #require(packages.first { $0["SPDXID"] as? String == "SPDXRef-Image" })
        #expect(root["name"] as? String == "team/app")
        #expect((root["versionInfo"] as? String)?.hasPrefix("sha256:") == true)
        #expect(root["primaryPackagePurpose"] as? String == "CONTAINER")
        let purls = packages.compactMap { ($0["externalRefs"] as? [[String: Any]])?.first?["referenceLocator"] as? String }
        #expect(purls.contains("pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12"))
        #expect(purls.contains("pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc"))
        #expect(purls.contains("pkg:pypi/six@1.16.0"))
        #expect(purls.contains("pkg:npm/%40types/node@20.11.5"))
        #expect(purls.contains { $0.hasPrefix("pkg:oci/app@sha256%3A") })
        let relationships = try #require(json["relationships"] as? [[String: String]])
        #expect(relationships.filter { $0["relationshipType"] == "CONTAINS" }.count == packages.count - 1)
        let ids = Dictionary(packages.map { (($0["name"] as? String) ?? "", ($0["SPDXID"] as? String) ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(relationships.contains { $0["spdxElementId"] == ids["bash"] && $0["relationshipType"] == "DEPENDS_ON" && $0["relatedSpdxElement"] == ids["libc6"] })
        #expect((json["documentNamespace"] as? String)?.hasSuffix(((root["versionInfo"] as? String) ?? "").replacingOccurrences(of: "sha256:", with: "")) == true)
    }
}

extension SPDXTests {
    @Test func aLicenseOffTheListIsAReferenceWithItsText() throws {
        let (_, json, _) = try document(["base"])
        let extracted = try #require(json["hasExtractedLicensingInfos"] as? [[String: String]])
        #expect(extracted == [["licenseId": "LicenseRef-SEE-LICENSE-IN-LICENSE", "extractedText": "SEE LICENSE IN LICENSE", "name": "SEE LICENSE IN LICENSE"]])
        let packages = try #require(json["packages"] as? [[String: Any]])
        #expect(packages.first { $0["name"] as? String == "left-pad" }?["licenseDeclared"] as? String == "LicenseRef-SEE-LICENSE-IN-LICENSE")
    }
}
