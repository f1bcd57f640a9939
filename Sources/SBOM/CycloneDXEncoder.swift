import Foundation

/// Writes an ``ImageCatalog`` as a CycloneDX 1.6 JSON BOM with the same content as the SPDX
/// document: the image as `metadata.component` (type `container`), the distro as an
/// `operating-system` component, every package a `library` with its purl, supplier, declared
/// license, evidence path and layer, and the dependencies the metadata names.
public struct CycloneDXEncoder: Sendable {
    public let info: DocumentInfo

    public init(info: DocumentInfo) { self.info = info }

    public func encode(_ catalog: ImageCatalog, subject: ImageSubject, toolVersion: String) throws -> [UInt8] {
        typealias BOM = CycloneDXDocument
        let rootRef = subject.purl.description
        let entries = PackageEntry.entries(of: catalog)
        var components: [BOM.Component] = []
        var topLevel: [String] = []
        if let distro = catalog.distro {
            let ref = "os:" + distro.qualifier
            components.append(BOM.Component(bomRef: ref, type: "operating-system", name: distro.id, version: distro.versionID))
            topLevel.append(ref)
        }
        for entry in entries {
            let package = entry.package
            var properties: [BOM.Property] = package.evidence.first.map { [BOM.Property(name: "ecr-publish:evidence", value: "/" + $0)] } ?? []
            if let layer = package.layer {
                properties.append(.init(name: "ecr-publish:layer", value: String(layer + 1)))
                if layer < subject.diffIDs.count { properties.append(.init(name: "ecr-publish:layer-diff-id", value: subject.diffIDs[layer].description)) }
            }
            components.append(BOM.Component(
                bomRef: entry.spdxID, type: "library", supplier: package.supplier.map(Self.entity), name: Self.name(package),
                version: package.version, licenses: package.declaredLicense.flatMap(LicenseExpression.init(declared:)).map(Self.licenses),
                cpe: entry.cpe, purl: entry.purl.description,
                externalReferences: package.homepage.flatMap(SPDXEncoder.validURL).map { [BOM.ExternalReference(url: $0, type: "website")] },
                properties: properties))
            topLevel.append(entry.spdxID)
        }
        var dependencies = [BOM.Dependency(ref: rootRef, dependsOn: topLevel)]
        dependencies += entries.map { BOM.Dependency(ref: $0.spdxID, dependsOn: $0.dependencyIDs) }
        let root = BOM.Component(
            bomRef: rootRef, type: "container", supplier: subject.supplier.map(Self.entity), name: subject.name,
            version: subject.identity.digest.description, description: subject.identity.note, purl: rootRef)
        let tool = BOM.Component(type: "application", name: "ecr-publish", version: toolVersion)
        let document = BOM(
            serialNumber: Self.serialNumber(subject.identity.digest.hex), metadata: .init(timestamp: info.created, tools: .init(components: [tool]), component: root),
            components: components, dependencies: dependencies)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(document)) + [0x0a]
    }

    /// An npm scope is CycloneDX's `group` in spirit; the name keeps it (`@types/node`) as npm writes it.
    private static func name(_ package: SoftwarePackage) -> String {
        guard package.ecosystem == .npm, let scope = package.namespace else { return package.name }
        return (scope.hasPrefix("@") ? scope : "@" + scope) + "/" + package.name
    }

    private static func entity(_ supplier: Supplier) -> CycloneDXDocument.OrganizationalEntity {
        let email = supplier.email.flatMap(validEmail)
        return .init(name: supplier.name, contact: email.map { [.init(email: $0)] })
    }

    private static func licenses(_ license: LicenseExpression) -> [CycloneDXDocument.LicenseChoice] {
        switch license {
        case .spdx(let expression): return [.init(expression: expression)]
        case .reference(_, let text): return [.init(license: .init(name: text))]
        }
    }

    /// `local@domain.tld` with no spaces (the schema checks `idn-email`).
    private static func validEmail(_ text: String) -> String? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !text.contains(" "), !parts[1].hasSuffix(".") else { return nil }
        return text
    }

    /// A version-5-shaped UUID URN from the image digest: the same image, the same serial.
    static func serialNumber(_ hex: String) -> String {
        var digits = Array(hex.lowercased().prefix(32))
        while digits.count < 32 { digits.append("0") }
        digits[12] = "5"
        let variant = "89ab"
        digits[16] = variant[variant.index(variant.startIndex, offsetBy: Int(String(digits[16]), radix: 16).map { $0 % 4 } ?? 0)]
        let text = String(digits)
        func part(_ from: Int, _ to: Int) -> Substring { text.dropFirst(from).prefix(to - from) }
        return "urn:uuid:\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }
}
