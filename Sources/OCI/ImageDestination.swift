/// Where an image is written: an OCI image layout on disk or a registry repository. Both
/// take the same verbs, so `--no-push` and a push run one pipeline (swift-container-plugin's
/// `ImageDestination`, go-containerregistry's `layout` and `remote` writers).
///
/// Callers write in dependency order: blobs, then the manifests that reference them, then an
/// index over those manifests, then tags. A destination may rely on that order.
public protocol ImageDestination: Sendable {
    /// For messages: `OCI layout DIR`, `HOST/REPOSITORY`.
    var name: String { get }

    /// Whether the destination already holds the blob (nothing needs to be written).
    func blobExists(_ descriptor: Descriptor) async throws -> Bool

    /// Stores a blob whose digest and size are `descriptor`'s.
    func writeBlob(_ descriptor: Descriptor, content: BlobContent) async throws

    /// Stores a manifest or index by digest, without a tag.
    func writeManifest(_ descriptor: Descriptor, bytes: [UInt8]) async throws

    /// Points `tag` at a manifest or index written before.
    func tag(_ descriptor: Descriptor, bytes: [UInt8], as tag: String) async throws -> TagOutcome

    /// Stores a manifest or index this run made (no tag can name it yet) and points `tag` at
    /// it. A registry does both in one request (`PUT /manifests/<tag>` stores the manifest
    /// too); the default writes it, then tags it.
    func writeManifest(_ descriptor: Descriptor, bytes: [UInt8], tagged tag: String) async throws
}

extension ImageDestination {
    public func writeManifest(_ descriptor: Descriptor, bytes: [UInt8], tagged tag: String) async throws {
        try await writeManifest(descriptor, bytes: bytes)
        _ = try await self.tag(descriptor, bytes: bytes, as: tag)
    }
}

/// The bytes of a blob to write: a file (streamed, never loaded) or bytes in memory
/// (configs).
public enum BlobContent: Sendable {
    case file(path: String)
    case bytes([UInt8])
}

/// What writing a tag did.
public enum TagOutcome: String, Codable, Sendable {
    /// The tag now points at the manifest (new, or moved from another digest).
    case written
    /// It already pointed at the same digest: nothing was written.
    case alreadyThere = "already-there"
}
