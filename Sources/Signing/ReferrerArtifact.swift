import Crypto
import OCI

/// An OCI 1.1 artifact about an image (the SBOM): an image manifest with `artifactType`,
/// the empty config, the content as its one layer, and `subject` naming the image. Registries
/// with the referrers API list it under the subject; others find it through the referrers
/// tag schema's index at `sha256-<hex>`.
public struct ReferrerArtifact: Sendable {
    /// The image the artifact is about.
    public var subject: Descriptor
    public var artifactType: String
    /// The empty config and the content, by descriptor.
    public var blobs: [(Descriptor, [UInt8])]
    public var manifestBytes: [UInt8]
    public var manifestDescriptor: Descriptor
    public var annotations: [String: String]?

    /// `{}`, the config of artifacts that need none (image-spec 1.1).
    public static let emptyConfig: [UInt8] = Array("{}".utf8)

    public init(subject: Descriptor, artifactType: String, content: [UInt8], annotations: [String: String]? = nil) throws {
        let config = Descriptor(mediaType: MediaType.ociEmpty, digest: SHA256Hasher.digest(Self.emptyConfig), size: Int64(Self.emptyConfig.count))
        let layer = Descriptor(mediaType: artifactType, digest: SHA256Hasher.digest(content), size: Int64(content.count))
        var subjectReference = Descriptor(mediaType: subject.mediaType, digest: subject.digest, size: subject.size)
        subjectReference.annotations = nil
        let manifest = ImageManifest(
            mediaType: MediaType.ociManifest, config: config, layers: [layer], subject: subjectReference,
            annotations: annotations, artifactType: artifactType)
        let bytes = try CanonicalJSON.encode(manifest)
        self.subject = subjectReference
        self.artifactType = artifactType
        self.blobs = [(config, Self.emptyConfig), (layer, content)]
        self.manifestBytes = bytes
        self.manifestDescriptor = Descriptor(mediaType: MediaType.ociManifest, digest: SHA256Hasher.digest(bytes), size: Int64(bytes.count))
        self.annotations = annotations
    }

    /// The content's blob (the artifact's one layer).
    public var contentDescriptor: Descriptor { blobs[1].0 }

    /// The artifact as the referrers list names it: its descriptor with `artifactType` and
    /// the manifest's annotations.
    public var indexEntry: Descriptor {
        Descriptor(mediaType: manifestDescriptor.mediaType, digest: manifestDescriptor.digest, size: manifestDescriptor.size,
                   annotations: annotations, artifactType: artifactType)
    }

    /// The referrers tag schema's tag for `subject`: `<alg>-<hex>`.
    public static func fallbackTag(for subject: Digest) -> String { "\(subject.algorithm.rawValue)-\(subject.hex)" }

    static func digest(_ bytes: [UInt8]) -> Digest { SHA256Hasher.digest(bytes) }
}
