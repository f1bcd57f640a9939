import Foundation

/// Writes an ``ImageCatalog`` as an SPDX 2.3 JSON document: the image as the described root
/// package, every package CONTAINed by it, DEPENDS_ON where the metadata names a package
/// that is there. Same input, same bytes: packages sorted, SPDXIDs derived from content.
public struct SPDXEncoder: Sendable {
    public let info: DocumentInfo

    public init(info: DocumentInfo) { self.info = info }

    public func encode(_ catalog: ImageCatalog, subject: ImageSubject) throws -> [UInt8] {
        let rootID = "SPDXRef-Image"
        var packages: [SPDXDocument.Package] = []
        var relationships = [SPDXDocument.Relationship(spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: rootID)]
        var extracted: [String: SPDXDocument.ExtractedLicense] = [:]
        let entries = PackageEntry.entries(of: catalog)
        packages.append(SPDXDocument.Package(
            SPDXID: rootID, name: subject.name, versionInfo: subject.identity.digest.description,
            supplier: subject.supplier.map(Self.format) ?? "NOASSERTION",
            licenseDeclared: "NOASSERTION",
            externalRefs: [.init(referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: subject.purl.description)],
            primaryPackagePurpose: "CONTAINER", comment: subject.identity.note))
        for entry in entries {
            let package = entry.package
            var licenseDeclared = "NOASSERTION"
            if let license = package.declaredLicense.flatMap(LicenseExpression.init(declared:)) {
                licenseDeclared = license.identifier
                if case .reference(let id, let text) = license {
                    extracted[id] = .init(licenseId: id, extractedText: text, name: text)
                }
            }
            packages.append(SPDXDocument.Package(
                SPDXID: entry.spdxID, name: package.name, versionInfo: package.version,
                supplier: package.supplier.map(Self.format) ?? "NOASSERTION",
                homepage: package.homepage.flatMap(Self.validURL),
                sourceInfo: Self.sourceInfo(package, subject: subject),
                licenseDeclared: licenseDeclared,
                externalRefs: [.init(referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: entry.purl.description)]
                    + (entry.cpe.map { [.init(referenceCategory: "SECURITY", referenceType: "cpe23Type", referenceLocator: $0)] } ?? []),
                primaryPackagePurpose: "LIBRARY"))
            relationships.append(.init(spdxElementId: rootID, relationshipType: "CONTAINS", relatedSpdxElement: entry.spdxID))
        }
        for entry in entries {
            for dependency in entry.dependencyIDs {
                relationships.append(.init(spdxElementId: entry.spdxID, relationshipType: "DEPENDS_ON", relatedSpdxElement: dependency))
            }
        }
        let document = SPDXDocument(
            name: subject.name + "@" + subject.identity.digest.description,
            documentNamespace: "https://ecr-publish.invalid/spdx/" + PackageURL.encode(subject.name, keeping: "/")
                + "/" + subject.identity.digest.hex,
            creationInfo: .init(created: info.created, creators: ["Tool: " + info.tool]),
            documentDescribes: [rootID], packages: packages, relationships: relationships,
            hasExtractedLicensingInfos: extracted.isEmpty ? nil : extracted.values.sorted { $0.licenseId < $1.licenseId })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(document)) + [0x0a]
    }

    /// `Person: Jane Doe (jane@example.org)`, `Organization: Debian Python Team (…)`.
    static func format(_ supplier: Supplier) -> String {
        let name = supplier.name.replacingOccurrences(of: "(", with: "[").replacingOccurrences(of: ")", with: "]")
        return supplier.kind.rawValue + ": " + name + (supplier.email.map { " (\($0))" } ?? "")
    }

    static func validURL(_ text: String) -> String? {
        let text = text.trimmingSpaces()
        guard text.hasPrefix("https://") || text.hasPrefix("http://"), !text.contains(" "), text.count > 8 else { return nil }
        return text
    }

    static func sourceInfo(_ package: SoftwarePackage, subject: ImageSubject) -> String? {
        guard let path = package.evidence.first else { return nil }
        var text = "found in /\(path)"
        if let layer = package.layer {
            text += " (layer \(layer + 1)" + (layer < subject.diffIDs.count ? ", \(subject.diffIDs[layer])" : "") + ")"
        }
        return text
    }
}

/// A package with the identifiers both encoders give it.
struct PackageEntry {
    var package: SoftwarePackage
    var purl: PackageURL
    var cpe: String?
    var spdxID: String
    var dependencyIDs: [String]

    /// Every package of `catalog` with a stable SPDXID (ecosystem, name and a hash of the
    /// purl and evidence path) and its dependencies resolved within the same ecosystem.
    static func entries(of catalog: ImageCatalog) -> [PackageEntry] {
        var entries: [PackageEntry] = []
        var used = Set<String>()
        for package in catalog.packages {
            let purl = PackageURL(package: package, distro: catalog.distro)
            let hash = FNV1a.hash(purl.description + "\u{0}" + (package.evidence.first ?? ""))
            var id = "SPDXRef-Package-\(package.ecosystem.rawValue)-\(sanitize(package.name))-\(String(hash, radix: 16).leftPadded(to: 16))"
            var suffix = 2
            while used.contains(id) { id += "-\(suffix)"; suffix += 1 }
            used.insert(id)
            entries.append(PackageEntry(package: package, purl: purl, cpe: CPE.of(package), spdxID: id, dependencyIDs: []))
        }
        var byName: [String: String] = [:]
        for entry in entries {
            let key = "\(entry.package.ecosystem.rawValue)/\(normalizedName(entry.package))"
            if byName[key] == nil { byName[key] = entry.spdxID }
        }
        for index in entries.indices {
            let package = entries[index].package
            let ids = package.dependencies.compactMap { name -> String? in
                var dependency = SoftwarePackage(name: name, version: "", ecosystem: package.ecosystem, evidence: [])
                if package.ecosystem == .npm, name.hasPrefix("@"), let slash = name.firstIndex(of: "/") {
                    dependency.namespace = String(name[name.index(after: name.startIndex)..<slash])
                    dependency.name = String(name[name.index(after: slash)...])
                }
                return byName["\(package.ecosystem.rawValue)/\(normalizedName(dependency))"]
            }
            entries[index].dependencyIDs = Array(Set(ids)).filter { $0 != entries[index].spdxID }.sorted()
        }
        return entries
    }

    private static func normalizedName(_ package: SoftwarePackage) -> String {
        let name = package.ecosystem == .pypi ? PythonCataloger.normalized(package.name) : package.name
        return (package.namespace.map { $0 + "/" } ?? "") + name
    }

    /// SPDXIDs take `[A-Za-z0-9.-]`.
    static func sanitize(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-")
                ? Character(scalar) : "-"
        }.prefix(64))
    }
}

/// 64-bit FNV-1a: stable identifiers from text, the same on every platform and run.
enum FNV1a {
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
