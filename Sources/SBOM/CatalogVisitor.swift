import ImageArchive
import StreamIO

/// The SBOM's side of the one pass: the layer walk hands it the files its catalogers read,
/// and each layer's ``LayerCatalog`` lands in that layer's ``LayerFiles/findings``.
public struct CatalogVisitor: LayerVisitor {
    public let catalogers: [any Cataloger]
    public let spilling: [any SpillingCataloger]
    public let sniffing: [any SniffingCataloger]
    public let limits: CatalogLimits

    public init(
        catalogers: [any Cataloger] = Catalogers.all, spilling: [any SpillingCataloger] = Catalogers.spilling,
        sniffing: [any SniffingCataloger] = Catalogers.sniffing, limits: CatalogLimits = CatalogLimits()
    ) {
        self.catalogers = catalogers
        self.spilling = spilling
        self.sniffing = sniffing
        self.limits = limits
    }

    public func makeLayerVisit() -> any LayerVisit {
        CatalogVisit(catalogers: catalogers, spilling: spilling, sniffing: sniffing, limits: limits)
    }
}

/// One layer's visit: at most one file is in hand at a time, read within its cataloger's bound.
final class CatalogVisit: LayerVisit {
    private enum Pending {
        case inMemory(any Cataloger)
        case spilled(any SpillingCataloger)
        case sniffed(any SniffingCataloger)
    }

    private let catalogers: [any Cataloger]
    private let spilling: [any SpillingCataloger]
    private let sniffing: [any SniffingCataloger]
    private let limits: CatalogLimits
    private var catalog = LayerCatalog()
    private var pending: Pending?
    private var filesRead: [String: Int] = [:]
    private var droppedWarnings = 0

    init(catalogers: [any Cataloger], spilling: [any SpillingCataloger], sniffing: [any SniffingCataloger], limits: CatalogLimits) {
        self.catalogers = catalogers
        self.spilling = spilling
        self.sniffing = sniffing
        self.limits = limits
    }

    func interest(inFileAt path: String, size: Int64) -> ContentInterest {
        pending = nil
        let name: String, maxSize: Int64, choice: Pending
        if let cataloger = catalogers.first(where: { $0.reads(path: path) }) {
            (name, maxSize, choice) = (cataloger.name, Int64(cataloger.maxFileSize), .inMemory(cataloger))
        } else if let cataloger = spilling.first(where: { $0.reads(path: path) }) {
            if let reason = cataloger.unsupported(path: path) {
                catalog.metadataPaths.insert(path)
                warn("skipped /\(path): \(reason)")
                return .skip
            }
            (name, maxSize, choice) = (cataloger.name, cataloger.maxFileSize, .spilled(cataloger))
        } else {
            var length = 0
            for cataloger in sniffing where size >= cataloger.minFileSize { length = max(length, cataloger.sniffLength) }
            return length > 0 ? .sniff(count: length) : .skip
        }
        catalog.metadataPaths.insert(path)
        guard size <= maxSize else {
            warn("skipped /\(path): \(size) bytes is more than the \(name) cataloger reads (\(maxSize))")
            return .skip
        }
        let count = filesRead[name, default: 0]
        guard count < limits.maxFilesPerCataloger else {
            if count == limits.maxFilesPerCataloger {
                warn("the \(name) cataloger read \(count) files in one layer, its limit; the rest were skipped")
                filesRead[name] = count + 1
            }
            return .skip
        }
        filesRead[name] = count + 1
        pending = choice
        return .contents
    }

    func wants(path: String, size: Int64, head: [UInt8]) -> Bool {
        guard let cataloger = sniffing.first(where: { size >= $0.minFileSize && $0.wants(head: head) }) else { return false }
        let count = filesRead[cataloger.name, default: 0]
        guard count < limits.maxFilesPerCataloger else { return false }
        filesRead[cataloger.name] = count + 1
        catalog.metadataPaths.insert(path)
        pending = .sniffed(cataloger)
        return true
    }

    func visit(path: String, size: Int64, contents: any ByteSource) throws {
        guard let choice = pending else { return }
        pending = nil
        let result: CatalogResult
        switch choice {
        case .inMemory(let cataloger):
            let bytes = try contents.readAll(limit: cataloger.maxFileSize)
            do {
                result = try cataloger.catalog(MetadataFile(path: path, bytes: bytes))
            } catch {
                warn("skipped /\(path), which the \(cataloger.name) cataloger cannot read: \(error)")
                return
            }
        case .sniffed(let cataloger):
            let watched = GuardedSource(contents)
            do {
                result = try cataloger.catalog(path: path, contents: watched)
            } catch {
                try watched.rethrowUpstreamFailure()
                warn("skipped /\(path), which the \(cataloger.name) cataloger cannot read: \(error)")
                return
            }
        case .spilled(let cataloger):
            // Errors of the stream (a truncated layer) are the layer's; the cataloger's are warnings.
            let spill = try SpillFile(contents, limit: cataloger.maxFileSize)
            defer { spill.remove() }
            do {
                result = try cataloger.catalog(path: path, file: spill.url)
            } catch {
                warn("skipped /\(path), which the \(cataloger.name) cataloger cannot read: \(error)")
                return
            }
        }
        for warning in result.warnings { warn("/\(path): \(warning)") }
        if let distro = result.distro { catalog.distros[path] = distro }
        for (package, license) in result.licenses { catalog.licenses[path] = (package, license) }
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
