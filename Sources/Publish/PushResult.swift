import ImageArchive
import OCI

/// The destination stage of the report: where the image went and what it cost.
public struct PushResult: Codable, Sendable {
    public struct Tag: Codable, Sendable, Equatable {
        public enum Outcome: String, Codable, Sendable {
            case written
            case alreadyThere = "already-there"
            /// Left as it was, for `reason`.
            case heldBack = "held-back"
        }
        public var tag: String
        public var outcome: Outcome
        public var reason: String?
    }

    /// The registry that names the image (the ECR one, whatever endpoint carried the traffic).
    public var registry: String
    /// Where the traffic went (host and port).
    public var endpoint: String
    public var repository: String
    /// `registry/repository@digest`: what signatures, records and GitOps name.
    public var image: String
    public var tags: [Tag]
    public var blobsUploaded: Int
    public var bytesUploaded: Int64
    /// Blobs the registry already had.
    public var blobsSkipped: Int
    public var bytesSkipped: Int64
    /// Distinct layers gzip-compressed by this run.
    public var layersCompressed: Int
    /// Distinct layers only hashed: their blob was in the registry (or mounted into it).
    public var layersReused: Int
    /// Blobs mounted from another repository of the registry instead of uploaded.
    public var blobsMounted: Int
    public var seconds: Double
    /// The repository step before the push.
    public var repositoryStep: RepositoryProvisioner.Outcome?

    init(registry: String, endpoint: String, repository: String, artifact: PreparedArtifact, outcome: ArtifactWriter.Outcome,
         mounted: Int, tags: [Tag], repositoryStep: RepositoryProvisioner.Outcome?, seconds: Double) {
        self.registry = registry
        self.endpoint = endpoint
        self.repository = repository
        image = "\(registry)/\(repository)@\(artifact.descriptor.digest)"
        var actions: [Digest: PreparedLayer.Action] = [:]
        for layer in artifact.images.flatMap(\.layers) { actions[layer.descriptor.digest] = layer.action }
        layersCompressed = actions.values.filter { $0 == .compressed }.count
        layersReused = actions.values.filter { $0 == .reused }.count
        blobsMounted = mounted
        self.tags = tags
        blobsUploaded = outcome.blobsWritten
        bytesUploaded = outcome.bytesWritten
        blobsSkipped = outcome.blobsPresent
        bytesSkipped = outcome.bytesPresent
        self.seconds = seconds
        self.repositoryStep = repositoryStep
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
