import Compression
import StreamIO
import Crypto
import OCI

/// Everything one pass over an image tarball collected.
struct ArchiveContents: Sendable {
    /// Small files held in memory (manifest.json, index.json, configs, manifests), by path.
    var metadata: [String: [UInt8]] = [:]
    /// Everything else, by path.
    var blobs: [String: ScannedBlob] = [:]
    /// Symlinks and hard links between members, by path, to their normalized target.
    var links: [String: String] = [:]
    /// Directory entries, by path.
    var directories: Set<String> = []

    /// Follows links (a bounded number of hops) to the member that holds the data.
    /// Returns nil for a chain of more than 16 links (a loop).
    func resolve(_ path: String) -> String? {
        var current = path
        for _ in 0..<16 {
            guard let target = links[current] else { return current }
            current = target
        }
        return nil
    }

    func metadata(at path: String) -> [UInt8]? { resolve(path).flatMap { metadata[$0] } }
    func blob(at path: String) -> ScannedBlob? { resolve(path).flatMap { blobs[$0] } }

    /// Why `path`, named by `referrer`, holds no data.
    func missingError(_ path: String, referencedBy referrer: String) -> ArchiveError {
        guard let resolved = resolve(path) else {
            return .unsafePath(path: path, reason: "its symlinks form a loop")
        }
        if directories.contains(resolved) {
            return .invalidMetadata(file: referrer, detail: "it names '\(path)', which is a directory, not a file")
        }
        return .missingFile(path: path, referencedBy: referrer)
    }
}

/// The single sequential read of the outer tarball. Every member is checked for safety and
/// handed to the ``BlobIngester`` as it streams past; nothing is read twice.
struct ArchiveScanner {
    let label: String
    let limits: ArchiveLimits
    let ingester: BlobIngester

    func scan(_ source: any ByteSource) throws -> ArchiveContents {
        let reader = TarReader(source: source, limits: limits, context: label)
        var contents = ArchiveContents()
        var seen = Set<String>()
        var symlinks = Set<String>()
        var count = 0
        var metadataTotal = 0
        while let entry = try reader.next() {
            count += 1
            guard count <= limits.maxArchiveEntries else {
                throw ArchiveError.limitExceeded("\(label) has more than \(limits.maxArchiveEntries) entries")
            }
            guard entry.nameIsUTF8 else { throw ArchiveError.nonUTF8Name(escaped: entry.name) }
            let path = try ArchivePath.normalize(entry.name, inLayer: false)
            if path.isEmpty { continue }
            try refuseClimbThroughSymlink(path, symlinks: symlinks)
            if entry.kind == .directory {
                guard !seen.contains(path) else { throw ArchiveError.duplicateEntry(path) }
                contents.directories.insert(path)
                continue
            }
            guard !seen.contains(path), !contents.directories.contains(path) else { throw ArchiveError.duplicateEntry(path) }
            seen.insert(path)
            switch entry.kind {
            case .symlink:
                contents.links[path] = try ArchivePath.resolveLink(entry.linkName, from: path)
                symlinks.insert(path)
            case .hardlink:
                contents.links[path] = try ArchivePath.normalize(entry.linkName, inLayer: false)
            case .regular:
                switch try ingester.ingest(path: path, size: entry.size, from: reader) {
                case .metadata(let bytes):
                    metadataTotal += bytes.count
                    guard metadataTotal <= limits.maxTotalMetadata else {
                        throw ArchiveError.limitExceeded("metadata files in \(label) exceed \(limits.maxTotalMetadata) bytes")
                    }
                    contents.metadata[path] = bytes
                case .blob(let blob):
                    contents.blobs[path] = blob
                    guard contents.blobs.count <= limits.maxArchiveEntries else {
                        throw ArchiveError.limitExceeded("too many blobs in \(label)")
                    }
                }
            default:
                throw ArchiveError.unsafePath(path: path, reason: "device, FIFO and special entries have no place in an image archive")
            }
        }
        return contents
    }

    /// An entry whose parent directory is a symlink would be written through it by an
    /// extractor; refuse it.
    private func refuseClimbThroughSymlink(_ path: String, symlinks: Set<String>) throws {
        var prefix = ""
        for component in path.split(separator: "/").dropLast() {
            prefix = prefix.isEmpty ? String(component) : prefix + "/" + component
            if symlinks.contains(prefix) {
                throw ArchiveError.unsafePath(path: path, reason: "it climbs through the symlink '\(prefix)'")
            }
        }
    }
}

extension ArchiveContents {
    /// The layer blob at `path`. A member that is there but was kept as a small file (it is
    /// not tar, gzip or zstd) is refused for what it is, and never reported as missing: only
    /// a blob that is really absent may make a platform drop out of a partial index.
    func layerBlob(at path: String, expected: Digest?, referencedBy referrer: String) throws -> ScannedBlob {
        if let blob = blob(at: path) { return blob }
        guard let bytes = metadata(at: path) else { throw missingError(path, referencedBy: referrer) }
        if let expected, expected.algorithm == .sha256 {
            let actual = SHA256Hasher.digest(bytes)
            guard actual == expected else { throw ArchiveError.digestMismatch(path: path, expected: expected, actual: actual) }
        }
        throw ArchiveError.unreadableLayer(path: path, content: BlobFormat.describe(head: bytes))
    }
}
