import AWS
import Compression
import Foundation
import ImageArchive
import OCI
import StreamIO

/// The publish step, top to bottom. Each stage is one call into the module that owns it.
///
/// Today: read the tarball in one pass (digests, compression, file index) and write the
/// OCI layout (`--no-push`). Signing, SBOM, push, GitOps and the push record plug in here
/// as later stages, all working from the same ``LoadedArchive``.
public struct Pipeline: Sendable {
    public let options: PublishOptions

    public init(options: PublishOptions) {
        self.options = options
    }

    public func run() async throws -> PublishReport {
        try options.validate()
        guard options.noPush, let output = options.outputDirectory else {
            let outcome = try await ensureRepository()
            throw PublishError.pushNotAvailable(
                repositoryStep: "\(outcome.name) \(outcome.action.rawValue)"
                    + (outcome.changes.isEmpty ? "" : ": " + outcome.changes.joined(separator: "; ")))
        }
        try FileSystem.makeDirectories(output)
        let partial = "\(output)/.image.partial-\(ProcessInfo.processInfo.processIdentifier)"
        FileSystem.removeTree(partial)
        defer { FileSystem.removeTree(partial) }

        let (loaded, spool) = try await read(spoolDirectory: partial + "/blobs")
        let layout = OCILayout(root: partial, spool: spool)
        _ = try await ArtifactWriter(artifact: loaded.artifact, spool: spool, jobs: options.jobs)
            .write(to: layout, tags: [Self.refName(options: options, loaded: loaded)])
        try layout.finish()
        try FileSystem.replace(output + "/image", with: partial)
        var report = PublishReport(options: options, loaded: loaded, tags: options.tags, layout: output + "/image")
        if let gitops = options.gitops, let registry = options.registry {
            report.gitops = try await gitops.run(
                image: ImageReference(registry: registry, repository: options.repository),
                tag: options.tags.first, digest: loaded.artifact.descriptor.digest, dryRun: true, patchDirectory: output)
        }
        return report
    }

    /// The one pass over the tarball: every blob spooled under `spoolDirectory`, every
    /// digest computed and checked.
    func read(spoolDirectory: String) async throws -> (LoadedArchive, BlobSpool) {
        let options = self.options
        return try await Blocking.run {
            let pool = try CompressionPool(threads: options.threads, level: options.compressionLevel)
            defer { pool.shutdown() }
            let spool = try BlobSpool(directory: spoolDirectory)
            var readOptions = ArchiveReadOptions()
            readOptions.imageReference = options.imageReference
            readOptions.manifestFormat = options.manifestFormat
            readOptions.platform = options.platform
            readOptions.limits = options.limits
            // Nothing reads the full file list yet (the SBOM will choose what it needs):
            // keep memory independent of the number of files.
            readOptions.recordsEntries = false
            let loaded = try ImageArchiveReader.read(path: options.imagePath, options: readOptions, spool: spool, pool: pool)
            return (loaded, spool)
        }
    }

    /// The repository step: exists, with the requested settings.
    public func ensureRepository() async throws -> RepositoryProvisioner.Outcome {
        let context = try options.aws.context()
        return try await RepositoryProvisioner(ecr: context.ecr())
            .ensure(options.repository, settings: options.repositorySettings, create: options.createRepository)
    }

    /// The name the layout gives the image: the first explicit tag, else the tag the tarball
    /// gave it, else `latest`.
    static func refName(options: PublishOptions, loaded: LoadedArchive) -> String {
        if let tag = options.tags.first { return tag }
        if let name = loaded.artifact.sourceName, !name.hasPrefix("sha256:") {
            let afterSlash = name.split(separator: "/").last.map(String.init) ?? name
            if let colon = afterSlash.lastIndex(of: ":") {
                let tag = String(afterSlash[afterSlash.index(after: colon)...])
                if TagName.isValid(tag) { return tag }
            } else if TagName.isValid(afterSlash), !name.contains("/") {
                return afterSlash
            }
        }
        return "latest"
    }
}
