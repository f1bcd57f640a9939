import OCI

/// Which kind of tarball the image came from.
public enum SourceFormat: String, Sendable, Codable {
    /// `docker save` before Docker 25: `manifest.json` and `<id>/layer.tar`.
    case dockerArchive = "docker-archive"
    /// `docker save` from Docker 25 on: an OCI image layout plus `manifest.json`.
    case dockerOCIArchive = "docker-archive+oci-layout"
    /// An OCI image layout in a tar (`skopeo copy … oci-archive:`, buildah, BuildKit).
    case ociArchive = "oci-archive"
}

/// One layer as it will be published.
public struct PreparedLayer: Sendable {
    /// What happened to the layer's bytes.
    public enum Action: String, Sendable, Codable {
        /// It was an uncompressed tar and was gzip-compressed during the pass.
        case compressed
        /// It was already compressed and is published byte for byte.
        case kept
        /// It was an uncompressed tar whose gzip blob the destination already held: only
        /// hashed (its diffID checked), never compressed; the image names that blob.
        case reused
        /// It is an uncompressed tar that was only hashed and walked (`compressesLayers`
        /// off): its descriptor is the tar's, not the blob publish would push.
        case hashed
    }

    /// The member of the tarball it came from.
    public var sourcePath: String
    /// SHA-256 of the uncompressed tar; equal to the config's `rootfs.diff_ids` entry.
    public var diffID: Digest
    public var uncompressedSize: Int64
    /// The blob to publish.
    public var descriptor: Descriptor
    public var action: Action
    /// The layer's file system changes, for the SBOM.
    public var files: LayerFiles
}

/// A single-platform image ready to publish: every digest is final, unless its layers were
/// only hashed (``manifestIsFinal``).
public struct PreparedImage: Sendable {
    /// The name the tarball gave the image (a RepoTag or ref name), if any.
    public var sourceName: String?
    public var platform: Platform?
    public var config: Descriptor
    /// The configuration, byte for byte as in the tarball (its digest is the image ID).
    public var configBytes: [UInt8]
    public var manifest: Descriptor
    public var manifestBytes: [UInt8]
    public var layers: [PreparedLayer]

    /// Whether ``manifest`` is the digest publish pushes: false when a layer was only hashed.
    public var manifestIsFinal: Bool { !layers.contains { $0.action == .hashed } }

    /// The image's squashed file system (whiteouts applied).
    public func fileSystem() -> FileSystemView {
        FileSystemView(layers: layers.map(\.files))
    }
}

/// A multi-platform image: an index over prepared images.
public struct PreparedIndex: Sendable {
    public var sourceName: String?
    public var descriptor: Descriptor
    public var bytes: [UInt8]
    public var images: [PreparedImage]
}

/// What will be published: one image or an index of images.
public enum PreparedArtifact: Sendable {
    case image(PreparedImage)
    case index(PreparedIndex)

    /// The descriptor of the top-level manifest or index: its digest is the one pushed,
    /// signed and recorded.
    public var descriptor: Descriptor {
        switch self {
        case .image(let image): return image.manifest
        case .index(let index): return index.descriptor
        }
    }

    /// Every image, one for a single-platform artifact.
    public var images: [PreparedImage] {
        switch self {
        case .image(let image): return [image]
        case .index(let index): return index.images
        }
    }

    public var sourceName: String? {
        switch self {
        case .image(let image): return image.sourceName
        case .index(let index): return index.sourceName
        }
    }
}

/// The result of reading a tarball.
public struct LoadedArchive: Sendable {
    public var format: SourceFormat
    /// Every image the tarball names (for `--image`).
    public var candidates: [String]
    public var artifact: PreparedArtifact
    /// Things the user should know (dropped attestation manifests, …).
    public var notes: [String]
}
