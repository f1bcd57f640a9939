/// Media types of the OCI image specification and Docker's image manifest v2 schema 2.
public enum MediaType {
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    public static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    public static let ociEmpty = "application/vnd.oci.empty.v1+json"

    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    public static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar"
    public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    public static let dockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"

    /// Whether the media type names an image index or manifest list.
    public static func isIndex(_ mediaType: String) -> Bool {
        mediaType == ociIndex || mediaType == dockerManifestList
    }

    /// Whether the media type names a single-image manifest.
    public static func isManifest(_ mediaType: String) -> Bool {
        mediaType == ociManifest || mediaType == dockerManifest
    }

    /// The compression a layer media type declares.
    public static func layerCompression(_ mediaType: String) -> LayerCompression? {
        switch mediaType {
        case ociLayer, dockerLayer: return .uncompressed
        case ociLayerGzip, dockerLayerGzip, dockerForeignLayerGzip: return .gzip
        case ociLayerZstd: return .zstd
        default: return nil
        }
    }
}

/// How a layer blob is compressed.
public enum LayerCompression: String, Sendable, Codable {
    case uncompressed = "none"
    case gzip
    case zstd
}

/// The manifest flavour written for the registry.
public enum ManifestFormat: String, Sendable, Codable, CaseIterable {
    /// OCI image manifest and index.
    case oci
    /// Docker image manifest v2 schema 2 and manifest list.
    case docker

    public var manifestMediaType: String { self == .oci ? MediaType.ociManifest : MediaType.dockerManifest }
    public var indexMediaType: String { self == .oci ? MediaType.ociIndex : MediaType.dockerManifestList }
    public var configMediaType: String { self == .oci ? MediaType.ociConfig : MediaType.dockerConfig }

    /// The layer media type for a layer compressed with `compression`.
    public func layerMediaType(_ compression: LayerCompression) -> String {
        switch (self, compression) {
        case (.oci, .uncompressed): return MediaType.ociLayer
        case (.oci, .gzip): return MediaType.ociLayerGzip
        case (.oci, .zstd): return MediaType.ociLayerZstd
        case (.docker, .uncompressed): return MediaType.dockerLayer
        case (.docker, .gzip): return MediaType.dockerLayerGzip
        // Docker's schema has no zstd type; registries and containerd accept the OCI one.
        case (.docker, .zstd): return MediaType.ociLayerZstd
        }
    }
}
