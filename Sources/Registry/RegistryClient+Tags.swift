import OCI

extension RegistryClient {
    /// Points `tag` at a manifest already in `repository`. The tag is read first: one that
    /// already names the digest is left alone (ECR refuses even an identical re-push in an
    /// immutable repository).
    public func tag(_ descriptor: Descriptor, bytes: [UInt8], as tag: String, in repository: String) async throws -> TagOutcome {
        if try await manifestDigest(tag, in: repository) == descriptor.digest { return .alreadyThere }
        try await putManifest(descriptor, bytes: bytes, reference: tag, in: repository)
        return .written
    }
}
