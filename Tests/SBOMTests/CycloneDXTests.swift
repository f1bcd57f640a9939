import Foundation
import SBOM
import Testing
import TestSupport

/// The CycloneDX BOM, checked against the 1.6 JSON schema by cyclonedx-python-lib.
@Suite struct CycloneDXTests {
    @Test(arguments: [["base"], ["base", "upper"], ["alpine"], ["distroless"], ["base", "malformed"], ["langs"]])
    func schemaAcceptsIt(layers: [String]) throws {
        let fixture = try SBOMFixture()
        let (catalog, image) = try fixture.catalog(layers)
        let subject = ImageSubject(image: image, name: "team/app", supplier: SPDXTests.supplier)
        let bytes = try CycloneDXEncoder(info: SPDXTests.info).encode(catalog, subject: subject, toolVersion: "0.0.0")
        #expect(try CycloneDXEncoder(info: SPDXTests.info).encode(catalog, subject: subject, toolVersion: "0.0.0") == bytes)
        let path = fixture.directory.file("bom.cdx.json")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try SBOMValidators.cycloneDX(path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func sameContentAsTheSPDXDocument() throws {
        let fixture = try SBOMFixture()
        let (catalog, image) = try fixture.catalog(["base"])
        let subject = ImageSubject(image: image, name: "team/app", supplier: SPDXTests.supplier)
        let bom = try #require(try JSONSerialization.jsonObject(
            with: Data(CycloneDXEncoder(info: SPDXTests.info).encode(catalog, subject: subject, toolVersion: "0.0.0"))) as? [String: Any])
        let spdx = try #require(try JSONSerialization.jsonObject(with: Data(SPDXEncoder(info: SPDXTests.info).encode(catalog, subject: subject))) as? [String: Any])
        let bomPurls = Set(((bom["components"] as? [[String: Any]]) ?? []).compactMap { $0["purl"] as? String })
        let spdxPurls = Set(((spdx["packages"] as? [[String: Any]]) ?? []).dropFirst().compactMap {
            ($0["externalRefs"] as? [[String: Any]])?.first?["referenceLocator"] as? String
        })
        #expect(bomPurls == spdxPurls)
        #expect(bomPurls.count == 10)
        let metadata = try #require(bom["metadata"] as? [String: Any])
        #expect((metadata["component"] as? [String: Any])?["type"] as? String == "container")
        #expect((bom["components"] as? [[String: Any]])?.first?["type"] as? String == "operating-system")
        #expect((bom["serialNumber"] as? String)?.hasPrefix("urn:uuid:") == true)
    }
}
