import OCI

/// How the new image is written into the manifests.
public enum PinMode: String, Sendable, CaseIterable, Codable {
    /// `registry/repo@sha256:…`
    case digest
    /// `registry/repo:tag`
    case tag
    /// `registry/repo:tag@sha256:…` (the default: readable and immutable)
    case tagAndDigest = "tag+digest"
}

/// The image to pin and how.
public struct ImagePin: Sendable, Equatable {
    /// Registry and repository of the published image.
    public var image: ImageReference
    public var tag: String
    public var digest: Digest
    public var mode: PinMode

    public init(image: ImageReference, tag: String, digest: Digest, mode: PinMode) {
        self.image = ImageReference(registry: image.registry, repository: image.repository)
        self.tag = tag
        self.digest = digest
        self.mode = mode
    }

    /// The full reference written into workloads.
    public var reference: String {
        image.name + suffix
    }

    /// What follows the name: `:tag`, `@digest` or `:tag@digest`.
    public var suffix: String {
        switch mode {
        case .digest: return "@\(digest)"
        case .tag: return ":\(tag)"
        case .tagAndDigest: return ":\(tag)@\(digest)"
        }
    }

    /// The value for a field that holds only a tag (Helm's `image.tag`) when no separate
    /// digest field exists: `tag`, or `tag@sha256:…` so `repo:{{tag}}` still pins the digest.
    public var tagFieldValue: String {
        mode == .tag ? tag : "\(tag)@\(digest)"
    }
}
