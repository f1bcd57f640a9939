/// Bounds on what an untrusted tarball may make us do. Each has a default suited to real
/// images and a clear error when exceeded.
public struct ArchiveLimits: Sendable, Equatable {
    /// Entries in the outer archive.
    public var maxArchiveEntries = 100_000
    /// Size of one metadata file (manifest.json, index.json, config, manifest) held in memory.
    public var maxMetadataSize = 16 * 1024 * 1024
    /// All metadata files together.
    public var maxTotalMetadata = 64 * 1024 * 1024
    /// Size of one blob or layer in the archive (ECR takes at most 52,000 MiB a layer).
    public var maxBlobSize: Int64 = 64 * 1024 * 1024 * 1024
    /// Entries in one layer.
    public var maxLayerEntries = 1_000_000
    /// Length of an entry name in bytes (PAX and GNU long names included).
    public var maxNameLength = 16 * 1024
    /// Size of one PAX extended header.
    public var maxPaxHeaderSize = 1024 * 1024
    /// Bytes of file contents captured from layers for inspection (SBOM), all files together.
    public var maxCapturedBytes = 32 * 1024 * 1024
    /// Layers in one image.
    public var maxLayers = 1_000

    public init() {}
}
