import Foundation
import ImageArchive
import OCI
import SBOM

/// The SBOM formats written (`--sbom-format`, `sbom --format`).
public enum SBOMFormat: String, Sendable, Codable, CaseIterable {
    case spdxJSON = "spdx-json"
    case cyclonedxJSON = "cyclonedx-json"

    /// `sbom.spdx.json`, `sbom.cdx.json`.
    var fileExtension: String { self == .spdxJSON ? "spdx.json" : "cdx.json" }
}

/// The SBOM step: its catalogers read the layers during the one pass (``visitor``); after
/// it, one SBOM per image (per platform) is written in each format.
public struct SBOMStep: Sendable {
    public var formats: [SBOMFormat] = [.spdxJSON]
    /// The image's supplier (`--sbom-supplier`); else the image's vendor label or author.
    public var supplier: Supplier?
    public var catalogLimits = CatalogLimits()

    public init() {}

    /// What the layer walk hands the catalogers.
    public var visitor: CatalogVisitor { CatalogVisitor(limits: catalogLimits) }

    /// Writes the SBOMs of `loaded`'s images: `file(image, format)` names each file.
    public func write(
        _ loaded: LoadedArchive, name: String, repositoryURL: String?, file: (PreparedImage, SBOMFormat) -> String
    ) throws -> [SBOMReport] {
        try documents(loaded, name: name, repositoryURL: repositoryURL).write(file: file)
    }

    /// The SBOMs of `loaded`'s images in each format, in memory: what signing attests and
    /// what ``SBOMDocuments/write(file:)`` writes.
    public func documents(_ loaded: LoadedArchive, name: String, repositoryURL: String?) throws -> SBOMDocuments {
        let info = DocumentInfo(
            created: DocumentInfo.timestamp(environment: ProcessInfo.processInfo.environment, now: Date().timeIntervalSince1970),
            tool: "ecr-publish-\(ECRPublishVersion.current)")
        return SBOMDocuments(images: try loaded.artifact.images.map { image in
            let catalog = ImageCatalog(image: image)
            let subject = ImageSubject(image: image, name: name, repositoryURL: repositoryURL, supplier: supplier)
            var documents: [(format: SBOMFormat, bytes: [UInt8])] = []
            for format in formats {
                switch format {
                case .spdxJSON: documents.append((format, try SPDXEncoder(info: info).encode(catalog, subject: subject)))
                case .cyclonedxJSON:
                    documents.append((format, try CycloneDXEncoder(info: info).encode(catalog, subject: subject, toolVersion: ECRPublishVersion.current)))
                }
            }
            var warnings = catalog.warnings
            if subject.supplier == nil {
                warnings.append("the image has no supplier (NTIA's minimum elements want one): pass --sbom-supplier 'Organization: NAME'")
            }
            let report = SBOMReport(
                platform: image.platform?.description, manifestDigest: subject.identity.manifestDigest?.description,
                imageID: image.config.digest.description, files: [], packages: catalog.packages.count,
                ecosystems: catalog.countsByEcosystem, distro: catalog.distro.map { $0.prettyName ?? $0.qualifier },
                warnings: warnings)
            return SBOMDocuments.Image(image: image, documents: documents, report: report)
        })
    }

    /// `DIR/sbom.spdx.json`, or with several platforms `DIR/sbom-linux-arm64.spdx.json`.
    static func fileName(_ image: PreparedImage, format: SBOMFormat, of loaded: LoadedArchive) -> String {
        guard loaded.artifact.images.count > 1, let platform = image.platform else { return "sbom." + format.fileExtension }
        return "sbom-" + platform.description.replacingOccurrences(of: "/", with: "-") + "." + format.fileExtension
    }
}

/// One image's SBOM in the report: where it went and what it counts.
public struct SBOMReport: Codable, Sendable {
    public var platform: String?
    /// The manifest digest the SBOM names; nil when `sbom` ran without `--exact-digest` on
    /// layers it would have to compress to know it (the SBOM then names the image ID).
    public var manifestDigest: String?
    /// The image ID: the digest of the image's configuration.
    public var imageID: String
    public var files: [String]
    public var packages: Int
    /// Package counts by ecosystem (purl type: deb, apk, pypi, npm, …).
    public var ecosystems: [String: Int]
    public var distro: String?
    public var warnings: [String]
}

/// The SBOM documents of a run, by image, before any is written.
public struct SBOMDocuments: Sendable {
    public struct Image: Sendable {
        public var image: PreparedImage
        public var documents: [(format: SBOMFormat, bytes: [UInt8])]
        /// The report, without files until written.
        public var report: SBOMReport
    }
    public var images: [Image]

    /// The documents about the image manifest `digest`.
    public func documents(for digest: Digest) -> [(format: SBOMFormat, bytes: [UInt8])] {
        images.first { $0.image.manifest.digest == digest }?.documents ?? []
    }

    /// Writes each document to `file(image, format)`; the reports with their files.
    public func write(file: (PreparedImage, SBOMFormat) -> String) throws -> [SBOMReport] {
        try images.map { entry in
            var report = entry.report
            for (format, bytes) in entry.documents {
                let path = file(entry.image, format)
                try FileSystem.writeFile(path, bytes)
                report.files.append(path)
            }
            return report
        }
    }
}
