import Compression
import StreamIO

/// Walks the tar stream of one layer, building its ``LayerFiles``: normalized paths,
/// whiteouts, links checked to stay inside the image, captured contents.
struct LayerWalker {
    let context: String
    let limits: ArchiveLimits
    let capture: any FileCapturePolicy
    /// Shared budget for captured bytes across the run.
    let captureBudget: CaptureBudget
    /// Keep every entry (for the squashed file system view); off, only whiteouts and
    /// captured files are kept, so memory does not grow with the number of files.
    let recordsEntries: Bool
    /// Streams the files it asks for (the SBOM's catalogers), if any.
    var visitor: (any LayerVisitor)? = nil

    func walk(_ source: any ByteSource) throws -> LayerFiles {
        let reader = TarReader(source: BufferedSource(source), limits: limits, context: context)
        var files = LayerFiles()
        files.entriesRecorded = recordsEntries
        let visit = visitor?.makeLayerVisit()
        var count = 0
        while let entry = try reader.next() {
            count += 1
            guard count <= limits.maxLayerEntries else {
                throw ArchiveError.limitExceeded("\(context) has more than \(limits.maxLayerEntries) entries")
            }
            let path = try ArchivePath.normalize(entry.name, inLayer: true)
            if path.isEmpty { continue }  // the root directory itself
            let base = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path[path.utf8.index(after: $0)...] } ?? path[...]
            if base.hasPrefix(".wh.") {
                let parent = ArchivePath.parent(of: path)
                if base == ".wh..wh..opq" {
                    files.opaqueDirectories.append(parent)
                } else if !base.hasPrefix(".wh..wh.") {
                    let name = String(base.dropFirst(4))
                    files.whiteouts.append(parent.isEmpty ? name : parent + "/" + name)
                }
                continue
            }
            var linkTarget: String?
            switch entry.kind {
            case .hardlink:
                linkTarget = try ArchivePath.normalize(entry.linkName, inLayer: true)
            case .symlink:
                linkTarget = entry.linkName
            default:
                break
            }
            if recordsEntries {
                files.entries.append(FileEntry(
                    path: path, kind: entry.kind, size: entry.size, mode: entry.mode, linkTarget: linkTarget))
            }
            if entry.kind == .regular, capture.shouldCapture(path: path, size: entry.size),
               captureBudget.reserve(entry.size) {
                files.captured[path] = try reader.readAll(limit: Int(entry.size))
            } else if entry.kind == .regular, let visit {
                try offer(path: path, size: entry.size, from: reader, to: visit)
            }
        }
        files.findings = visit?.finish()
        return files
    }
}

extension LayerWalker {
    /// Hands the current entry to `visit` when it wants it, by path or by its first bytes.
    private func offer(path: String, size: Int64, from reader: TarReader, to visit: any LayerVisit) throws {
        switch visit.interest(inFileAt: path, size: size) {
        case .skip:
            return
        case .contents:
            try visit.visit(path: path, size: size, contents: reader)
        case .sniff(let count):
            let head = try reader.readPrefix(Int(min(Int64(max(count, 0)), size)))
            guard visit.wants(path: path, size: size, head: head) else { return }
            try visit.visit(path: path, size: size, contents: PrefixedSource(prefix: head, upstream: reader))
        }
    }
}

/// Bytes of file contents the run may still capture.
final class CaptureBudget: @unchecked Sendable {
    private var remaining: Int64

    init(bytes: Int) { remaining = Int64(bytes) }

    func reserve(_ count: Int64) -> Bool {
        guard count <= remaining else { return false }
        remaining -= count
        return true
    }
}
