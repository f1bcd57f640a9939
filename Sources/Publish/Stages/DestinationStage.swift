import Foundation

/// Destination: the registry (unless `--no-push`) and the local OCI layout (`--output`).
public struct DestinationStage: Sendable {
    /// Do everything locally, push nothing (`--no-push`).
    public var noPush = false
    /// Where local artifacts go (`--output`); with a push, the layout is written too.
    public var outputDirectory: String?
    /// The registry host image references name (`--registry`); when pushing, by default the
    /// ECR registry of the account.
    public var registry: String?
    /// Where registry traffic goes instead of the registry itself (`--registry-endpoint`):
    /// a VPC endpoint, a proxy, a test registry. The image keeps its ECR name.
    public var registryEndpoint: URL?
    /// Blobs written at the same time (`--jobs`).
    public var jobs = 4
    /// PATCH part size for large blobs (default: the registry client's, 8 MiB).
    public var chunkSize: Int64?
    /// Temporary disk for a layer streamed while it is compressed (`--spool-limit`, in MiB
    /// there): beyond it, parts the registry has taken are freed and the compression waits
    /// for the upload, so a layer of many gigabytes needs about this much; a stream that
    /// breaks after freeing cannot start over and fails the push. Not applied when
    /// `--output` keeps the blobs.
    public var spoolLimit: Int64 = 1 << 30
    /// Skip compressing layers whose blob the registry already holds (`--no-reuse` turns it
    /// off): found through the repository's previous image and the blob-info cache.
    public var reusesLayers = true
    /// The blob-info cache (`--cache-dir`; default `$XDG_CACHE_HOME/ecr-publish` or
    /// `~/.cache/ecr-publish`).
    public var cacheDirectory: String?

    public init() {}

    public func validate() throws {
        guard (1...64).contains(jobs) else {
            throw PublishError.invalidOption("--jobs must be 1-64, not \(jobs)")
        }
        if let registry, registry.isEmpty || registry.contains("/") || registry.contains("://") {
            throw PublishError.invalidOption("--registry takes a host name (and port), not '\(registry)'")
        }
        if let endpoint = registryEndpoint, !["http", "https"].contains(endpoint.scheme ?? "") || endpoint.host == nil {
            throw PublishError.invalidOption("--registry-endpoint takes an http(s) URL such as https://vpce-….ecr.us-east-1.vpce.amazonaws.com, not '\(endpoint.absoluteString)'")
        }
        if let chunkSize, chunkSize < 5 << 20 || chunkSize > 100 << 20 {
            throw PublishError.invalidOption("--chunk-size must be 5-100 MiB (ECR refuses parts under 5 MiB), not \(chunkSize) bytes")
        }
        guard spoolLimit >= 0 else {
            throw PublishError.invalidOption("--spool-limit must be 0 MiB or more, not \(spoolLimit >> 20)")
        }
        if noPush && outputDirectory == nil {
            throw PublishError.invalidOption("--no-push needs --output DIR for the artifacts it writes")
        }
    }
}
