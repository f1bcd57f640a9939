import ImageArchive
import StreamIO

/// The SBOM's side of the one pass: the layer walk hands it the files its catalogers read,
/// and each layer's ``LayerCatalog`` lands in that layer's ``LayerFiles/findings``.
public struct CatalogVisitor: LayerVisitor {
    public let catalogers: [any Cataloger]
    public let limits: CatalogLimits

    public init(catalogers: [any Cataloger] = Catalogers.all, limits: CatalogLimits = CatalogLimits()) {
        self.catalogers = catalogers
        self.limits = limits
    }

    public func makeLayerVisit() -> any LayerVisit { CatalogVisit(catalogers: catalogers, limits: limits) }
}

/// One layer's visit: at most one file is in hand at a time, read within its cataloger's bound.
final class CatalogVisit: LayerVisit {
    private let catalogers: [any Cataloger]
    private let limits: CatalogLimits
    private var catalog = LayerCatalog()
    private var pending: (any Cataloger)?
    private var filesRead: [String: Int] = [:]
    private var droppedWarnings = 0

    init(catalogers: [any Cataloger], limits: CatalogLimits) {
        self.catalogers = catalogers
        self.limits = limits
    }

    func interest(inFileAt path: String, size: Int64) -> ContentInterest {
        pending = nil
        guard let cataloger = catalogers.first(where: { $0.reads(path: path) }) else { return .skip }
        catalog.metadataPaths.insert(path)
        guard size <= Int64(cataloger.maxFileSize) else {
            warn("skipped /\(path): \(size) bytes is more than the \(cataloger.name) cataloger reads (\(cataloger.maxFileSize))")
            return .skip
        }
        let count = filesRead[cataloger.name, default: 0]
        guard count < limits.maxFilesPerCataloger else {
            if count == limits.maxFilesPerCataloger {
                warn("the \(cataloger.name) cataloger read \(count) files in one layer, its limit; the rest were skipped")
                filesRead[cataloger.name] = count + 1
            }
            return .skip
        }
        filesRead[cataloger.name] = count + 1
        pending = cataloger
        return .contents
    }

    func wants(path: String, size: Int64, head: [UInt8]) -> Bool { false }

    func visit(path: String, size: Int64, contents: any ByteSource) throws {
        guard let cataloger = pending else { return }
        pending = nil
        let bytes = try contents.readAll(limit: cataloger.maxFileSize)
        let result: CatalogResult
        do {
            result = try cataloger.catalog(MetadataFile(path: path, bytes: bytes))
        } catch {
            warn("skipped /\(path), which the \(cataloger.name) cataloger cannot read: \(error)")
            return
        }
        if let distro = result.distro { catalog.distros[path] = distro }
        let room = limits.maxPackagesPerLayer - catalog.packages.count
        if result.packages.count > room {
            warn("kept \(max(room, 0)) of the \(result.packages.count) packages of /\(path): one layer holds at most \(limits.maxPackagesPerLayer)")
        }
        catalog.packages.append(contentsOf: result.packages.prefix(max(room, 0)))
    }

    func finish() -> any Sendable {
        if droppedWarnings > 0 { catalog.warnings.append("\(droppedWarnings) more warnings of this layer were left out") }
        return catalog
    }

    private func warn(_ message: String) {
        if catalog.warnings.count < limits.maxWarningsPerLayer { catalog.warnings.append(message) } else { droppedWarnings += 1 }
    }
}
