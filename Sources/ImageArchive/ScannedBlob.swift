import OCI

/// What the pass learned about one regular file of the archive that is not metadata.
struct ScannedBlob: Sendable {
    enum Kind: Sendable {
        /// An uncompressed tar: compressed during the pass.
        case tarLayer
        /// A gzip or zstd stream: kept as it is, decompressed only to hash and walk it.
        case compressedLayer
        /// Anything else (foreign data): kept as it is, not inspected.
        case opaque
    }

    var archivePath: String
    var kind: Kind
    /// Digest and size of the bytes as stored in the archive.
    var digest: Digest
    var size: Int64
    /// Digest and size of the uncompressed tar, for layers that could be read.
    var diffID: Digest?
    var uncompressedSize: Int64?
    /// The blob to publish (compressed output for tar layers, the original otherwise).
    var stored: Digest
    var storedSize: Int64
    var storedCompression: LayerCompression
    var files: LayerFiles?
    /// Why the blob cannot serve as a layer, if it cannot.
    var layerError: ArchiveError?
    /// An uncompressed tar only hashed: `stored` is a blob the destination already holds.
    var reused = false
}
