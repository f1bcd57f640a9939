import Foundation
import HTTP
import ImageArchive
import OCI
import Registry

extension LayerReuseRegistry {
    /// Copies the blob of every reused layer from the registry into `spool`, checked against
    /// its digest and size, so an OCI layout (`--output`) holds exactly the pushed image
    /// without compressing the layer again. One blob at a time (the spool names temporary
    /// files from one counter).
    func fetchReused(_ artifact: PreparedArtifact, into spool: BlobSpool) async throws {
        var seen = Set<Digest>()
        for layer in artifact.images.flatMap(\.layers) where layer.action == .reused && seen.insert(layer.descriptor.digest).inserted {
            let descriptor = layer.descriptor
            if spool.contains(descriptor.digest) { continue }
            let sink = SpoolSink(spool: spool)
            try await client.fetchBlob(descriptor.digest, in: repository, to: sink)
            try sink.commit(as: descriptor, registry: client.host)
        }
    }
}

/// A response body written into a spool blob, hashed on the way; started anew when the
/// download is retried.
private final class SpoolSink: ResponseBodySink, @unchecked Sendable {
    private let spool: BlobSpool
    private let lock = NSLock()
    private var writer: BlobWriter?

    init(spool: BlobSpool) { self.spool = spool }

    func reset() throws {
        let fresh = try spool.makeWriter()
        lock.withLock { writer = fresh }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try lock.withLock { try writer?.write(bytes) }
    }

    /// Stores what arrived under its digest, which must be `descriptor`'s.
    func commit(as descriptor: Descriptor, registry: String) throws {
        guard let writer = lock.withLock({ writer }) else { return }
        let digest = writer.finalizeDigest()
        guard digest == descriptor.digest, writer.size == descriptor.size else {
            throw RegistryError.digestMismatch(
                registry: registry, digest: descriptor.digest.description,
                detail: "the blob read back is \(digest), \(writer.size) bytes")
        }
        try writer.commit(as: digest)
    }
}
