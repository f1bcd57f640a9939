import GitOps
import ImageArchive
import OCI

/// What a publish run did, for people (``TextReporter``) and scripts (`--json`).
public struct PublishReport: Codable, Sendable {
    public struct Source: Codable, Sendable {
        public var path: String
        public var format: SourceFormat
        public var image: String?
    }

    public struct Blob: Codable, Sendable {
        public var digest: Digest
        public var mediaType: String
        public var size: Int64
    }

    public struct Layer: Codable, Sendable {
        public var diffID: Digest
        public var digest: Digest
        public var mediaType: String
        public var size: Int64
        public var uncompressedSize: Int64
        public var action: PreparedLayer.Action
        public var source: String
    }

    public struct Image: Codable, Sendable {
        public var platform: String?
        public var manifest: Blob
        public var config: Blob
        public var layers: [Layer]
    }

    public var source: Source
    public var repository: String
    /// The top-level manifest (or index): the digest pushed, signed and recorded.
    public var manifest: Blob
    public var images: [Image]
    public var tags: [String]
    public var pushed: Bool
    /// The OCI layout written by `--no-push`.
    public var layout: String?
    public var notes: [String]
    /// The GitOps update, when configured.
    public var gitops: GitOpsResult?
    /// What the push did, unless `--no-push`.
    public var push: PushResult?
    /// The SBOM of each image, when written.
    public var sbom: [SBOMReport]?
    /// Stages that failed after the image was pushed (the run exits with the partial status).
    public var failures: [StageFailure]
    /// The push record: where it went, what waits in the outbox.
    public var record: RecordResult?
    /// Signatures, attestations and referrers, when signed (`--sign-key`).
    public var signing: SigningResult?
}

extension PublishReport {
    init(options: PublishOptions, loaded: LoadedArchive, tags: [String], layout: String?) {
        let blob = { (descriptor: Descriptor) in
            Blob(digest: descriptor.digest, mediaType: descriptor.mediaType, size: descriptor.size)
        }
        self.init(
            source: Source(path: options.input.imagePath, format: loaded.format, image: loaded.artifact.sourceName),
            repository: options.repository.name,
            manifest: blob(loaded.artifact.descriptor),
            images: loaded.artifact.images.map { image in
                Image(
                    platform: image.platform?.description,
                    manifest: blob(image.manifest), config: blob(image.config),
                    layers: image.layers.map { layer in
                        Layer(
                            diffID: layer.diffID, digest: layer.descriptor.digest,
                            mediaType: layer.descriptor.mediaType, size: layer.descriptor.size,
                            uncompressedSize: layer.uncompressedSize, action: layer.action, source: layer.sourcePath)
                    })
            },
            tags: tags, pushed: false, layout: layout, notes: loaded.notes, gitops: nil, push: nil, sbom: nil, failures: [],
            record: nil, signing: nil)
    }
}
