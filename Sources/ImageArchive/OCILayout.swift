import Foundation
import OCI

/// An OCI image layout (image-spec `image-layout.md`) as an ``ImageDestination``: its
/// `blobs/` directory is the pass's ``BlobSpool``, so layers the pass spooled are already in
/// place. ``finish()`` removes every blob the image does not name and writes `oci-layout` and
/// `index.json`, one entry per tag (the image first, then its signatures), in the order
/// first tagged; tagging a name again replaces its entry.
public final class OCILayout: ImageDestination, @unchecked Sendable {
    public let root: String
    public let spool: BlobSpool
    private let lock = NSLock()
    /// The spool's writers are not made for concurrent use; local writes are quick.
    private let writeLock = NSLock()
    private var named = Set<Digest>()
    private var tagged: [Descriptor] = []

    /// A layout at `root` whose blobs are `spool` (whose directory must be `<root>/blobs`).
    public init(root: String, spool: BlobSpool) {
        self.root = root
        self.spool = spool
    }

    public var name: String { "OCI layout \(root)" }

    public func blobExists(_ descriptor: Descriptor) async throws -> Bool {
        guard spool.contains(descriptor.digest) else { return false }
        remember(descriptor.digest)
        return true
    }

    public func writeBlob(_ descriptor: Descriptor, content: BlobContent) async throws {
        let stored = try writeLock.withLock {
            switch content {
            case .bytes(let bytes): return try spool.store(bytes)
            case .file(let path): return try Self.store(contentsOf: path, in: spool)
            }
        }
        guard stored.digest == descriptor.digest, stored.size == descriptor.size else {
            throw OutputError.writeFailed(
                path: spool.path(for: descriptor.digest),
                reason: "the content is \(stored.digest) (\(stored.size) bytes), not \(descriptor.digest) (\(descriptor.size) bytes)")
        }
        remember(descriptor.digest)
    }

    public func writeManifest(_ descriptor: Descriptor, bytes: [UInt8]) async throws {
        try await writeBlob(descriptor, content: .bytes(bytes))
    }

    public func tag(_ descriptor: Descriptor, bytes: [UInt8], as tag: String) async throws -> TagOutcome {
        var named = descriptor
        named.annotations = [AnnotationKey.refName: tag]
        lock.withLock {
            if let existing = tagged.firstIndex(where: { $0.annotations?[AnnotationKey.refName] == tag }) {
                tagged[existing] = named
            } else {
                tagged.append(named)
            }
        }
        return .written
    }

    /// Drops blobs the image does not use and writes the layout's index.
    public func finish() throws {
        let (keep, manifests) = lock.withLock { (named, tagged) }
        try spool.removeAll(except: keep)
        let index = ImageIndex(mediaType: MediaType.ociIndex, manifests: manifests)
        try FileSystem.writeFile(root + "/oci-layout", Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
        try FileSystem.writeFile(root + "/index.json", try CanonicalJSON.encode(index))
    }

    /// Copies a file into the spool, streamed.
    private static func store(contentsOf path: String, in spool: BlobSpool) throws -> (digest: Digest, size: Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw OutputError.writeFailed(path: path, reason: "cannot open it for reading")
        }
        defer { try? handle.close() }
        let writer = try spool.makeWriter()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            try chunk.withUnsafeBytes { try writer.write($0) }
        }
        let digest = writer.finalizeDigest()
        try writer.commit(as: digest)
        return (digest, writer.size)
    }

    private func remember(_ digest: Digest) {
        lock.withLock { _ = named.insert(digest) }
    }
}
