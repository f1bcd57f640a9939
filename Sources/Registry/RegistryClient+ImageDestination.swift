import OCI

/// One repository of a registry as an ``ImageDestination``.
public struct RegistryRepository: ImageDestination {
    public let client: RegistryClient
    public let repository: String

    public init(client: RegistryClient, repository: String) {
        self.client = client
        self.repository = repository
    }

    public var name: String { "\(client.host)/\(repository)" }

    public func blobExists(_ descriptor: Descriptor) async throws -> Bool {
        try await client.blobExists(descriptor.digest, in: repository)
    }

    public func writeBlob(_ descriptor: Descriptor, content: BlobContent) async throws {
        try await client.uploadBlob(descriptor, content: content, to: repository)
    }

    public func writeManifest(_ descriptor: Descriptor, bytes: [UInt8]) async throws {
        try await client.putManifest(descriptor, bytes: bytes, reference: descriptor.digest.description, in: repository)
    }

    public func tag(_ descriptor: Descriptor, bytes: [UInt8], as tag: String) async throws -> TagOutcome {
        try await client.tag(descriptor, bytes: bytes, as: tag, in: repository)
    }

    /// One `PUT /v2/<name>/manifests/<tag>`: the registry stores the manifest under its
    /// digest and the tag at once, with no read of the tag first (a new manifest cannot be
    /// under it already).
    public func writeManifest(_ descriptor: Descriptor, bytes: [UInt8], tagged tag: String) async throws {
        try await client.putManifest(descriptor, bytes: bytes, reference: tag, in: repository)
    }
}

extension RegistryClient {
    /// `name` of this registry as an image destination.
    public func repository(_ name: String) -> RegistryRepository {
        RegistryRepository(client: self, repository: name)
    }
}
