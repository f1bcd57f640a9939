import AWS
import Compression
import Foundation
import ImageArchive
import OCI
import Registry
import StreamIO

/// The publish step, top to bottom. Each stage is one call into the module that owns it.
///
/// The registry's credentials and the record's sinks are resolved first; then one pass over
/// the tarball (digests, compression, spool), which starts while the signing key opens and
/// the ECR repository step runs; every write waits for both (a refusal of either stops the
/// pass and is the run's error, with nothing pushed); then the image goes to each
/// destination through the same ``ArtifactWriter``: the registry unless `--no-push`, an OCI
/// layout when `--output` is given. Signing, SBOM and the push record plug in here as
/// later stages, all working from the same ``LoadedArchive``.
public struct Pipeline: Sendable {
    public let options: PublishOptions
    /// Told one line per blob as each is pushed (the CLI writes them to standard error).
    public let progress: (@Sendable (String) -> Void)?
    /// Told how the pass and the uploads advance (a terminal's live display).
    public let events: (@Sendable (PublishEvent) -> Void)?

    public init(options: PublishOptions, progress: (@Sendable (String) -> Void)? = nil, events: (@Sendable (PublishEvent) -> Void)? = nil) {
        self.options = options
        self.progress = progress
        self.events = events
    }

    public func run() async throws -> PublishReport {
        try options.validate()
        // Signing: the key file is read and its passphrase asked for now, and opened (scrypt
        // for a cosign key file, GetPublicKey for KMS) while the run goes on.
        let opening = try options.signing.map { [warn] stage in try SigningStep.startOpening(stage, options: options) { warn($0) } }
        defer { opening?.cancel() }
        let clock = ContinuousClock()
        let started = clock.now
        var registry: RegistryConnection?
        var recordTargets: RecordTargets?
        var reuse: LayerReuseRegistry?
        // What must succeed before anything is written: the key open (a wrong passphrase pushes
        // nothing) and, on ECR, the repository step (created, or its settings applied). The
        // pass does not wait for it; every write does (uploads, streamed uploads, mounts), and
        // its failure stops the pass and is the run's error.
        let gate: Task<RepositoryProvisioner.Outcome?, any Error>
        var environment = ProcessInfo.processInfo.environment
        if options.destination.noPush {
            gate = Self.writeGate(opening: opening)
        } else if let other = options.destination.registry, !ECRAuthorizer.isECRRegistry(other) {
            // Another registry: Docker's credentials, no ECR repository step; AWS only for a record.
            if options.repository.create {
                warn("--create-repository and the repository settings apply to ECR only; \(other) is not ECR, so they are not applied")
            }
            if let record = options.record {
                recordTargets = try await RecordTargets(resolving: record, context: try options.aws.context())
            }
            gate = Self.writeGate(opening: opening)
            registry = try await RegistryConnection.open(options: options, registry: other, environment: environment)
        } else {
            let context = try options.aws.context()
            environment = context.environment.variables
            gate = Self.writeGate(opening: opening, provisioner: RepositoryProvisioner(ecr: try context.ecr()), repository: options.repository)
            // Read-only calls at the same time: the record's sinks named in full (the account
            // from STS) before anything is pushed, and the registry's token and ping.
            (recordTargets, registry) = try await Self.settling(gate) {
                async let targets: RecordTargets? = {
                    guard let record = options.record else { return nil }
                    return try await RecordTargets(resolving: record, context: context)
                }()
                async let connection = RegistryConnection.open(options: options, context: context)
                return try await (targets, connection)
            }
        }
        let beforeWrites: @Sendable () async throws -> Void = { [gate] in _ = try await gate.value }
        if let registry, options.destination.reusesLayers {
            // Reads only (a repository not made yet has no previous image to read).
            reuse = await LayerReuseRegistry.prepare(
                options: options, client: registry.client, environment: environment, beforeWrites: beforeWrites, warn: warn)
        }
        let stop = StopSignal()
        let watching = Task { [gate] in if case .failure = await gate.result { stop.stop() } }
        defer { watching.cancel() }
        let work = try await Self.settling(gate) { try Self.workDirectory(output: options.destination.outputDirectory) }
        defer { FileSystem.removeTree(work) }
        // Blobs go up as the pass commits them, while it reads the next layer; a layer the
        // repository is known to lack streams up while it is compressed.
        let streams = reuse.map {
            StreamedUploads(client: $0.client, repository: options.repository.name,
                            spoolLimit: options.destination.outputDirectory == nil ? options.destination.spoolLimit : nil, events: events,
                            beforeWrites: beforeWrites)
        }
        let uploads = registry.map { (registry: RegistryConnection) -> BlobUploads in
            var client = registry.client
            client.partSent = events.map { tell in { @Sendable digest, sent in tell(.sent(.digest(digest), sent: sent, size: nil)) } }
            return BlobUploads(destination: client.repository(options.repository.name), deleteAfterUpload: options.destination.outputDirectory == nil,
                               progress: progress, events: events, streams: streams)
        }
        let (announced, announce) = AsyncStream.makeStream(of: CommittedBlob.self)
        let early = Task { [jobs = options.destination.jobs] in
            guard case .success = await gate.result else { return }
            await uploads?.upload(announced, jobs: jobs)
        }
        var onCommit: (@Sendable (Digest, Int64, String) -> Void)?
        if uploads != nil {
            onCommit = { digest, size, path in _ = announce.yield(CommittedBlob(digest: digest, size: size, path: path)) }
        }
        let loaded: LoadedArchive
        let spool: BlobSpool
        do {
            var observeNewLayer: (@Sendable (String) -> (any BlobWriteObserver)?)?
            if let streams { observeNewLayer = { streams.observe($0) } }
            (loaded, spool) = try await read(
                spoolDirectory: work + "/blobs", onCommit: onCommit, reuse: reuse, observeNewLayer: observeNewLayer, stop: stop)
            announce.finish()
        } catch {
            announce.finish()
            early.cancel()
            await early.value
            // Nothing left half-done: the repository step ends before the run does. When its
            // failure (or the key's) stopped the pass, that is the run's error.
            let gated = await gate.result
            if stop.isStopped, case .failure(let failure) = gated { throw failure }
            throw error
        }
        let repositoryStep = try await gate.value
        let signing = try await opening?.value
        let writer = ArtifactWriter(artifact: loaded.artifact, spool: spool, jobs: options.destination.jobs)
        if let reuse { await uploads?.markPresent(reuse.confirmed) }
        // The image's last uploads and manifests go while the SBOM is encoded and signed.
        let writing = registry.map { registry in
            Task { [uploads] in try await writer.writeImage(to: registry.client.repository(options.repository.name), uploads: uploads) }
        }
        // SBOM: made once from what the catalogers found during the pass, for the layout's files,
        // the attestation and the record's S3 copy (written after the push); signed now, so the
        // registry and the layout get the same signatures.
        let imageRegistry = registry?.imageRegistry ?? options.destination.registry
        let sboms: SBOMDocuments?
        let signed: SigningStep.Signed?
        var signingReads: SigningStep.EarlyReads?
        do {
            sboms = options.destination.outputDirectory == nil && signing == nil && options.record == nil ? nil
                : try options.sbom?.documents(loaded, name: options.repository.name, repositoryURL: imageRegistry.map { "\($0)/\(options.repository.name)" })
            // What attaching reads first is asked for while the payloads are signed.
            if let registry, let signing {
                signingReads = signing.startReading(registry.client.repository(options.repository.name), for: loaded, sboms: sboms)
            }
            signed = try await signing?.sign(loaded, sboms: sboms, identity: "\(imageRegistry ?? "")/\(options.repository.name)")
        } catch {
            // Nothing is tagged (the image's manifests may be in, untagged, as its blobs are).
            _ = await writing?.result
            await early.value
            throw error
        }
        var signingDestinations: [SigningResult.Destination] = []

        var push: PushResult?
        var attaching: Task<SigningResult.Destination, any Error>?
        if let registry, let writing {
            let repository = registry.client.repository(options.repository.name)
            // The signature, attestation and referrer go up while the last layers upload (their
            // reads and blobs) and while the tags are written (their manifests, once the image's
            // are in): round trips, not work, on every side.
            if let signing, let signed {
                attaching = Task { [repositoryStep, signingReads] in
                    try await signing.attach(signed, to: repository, early: signingReads, repositoryStep: repositoryStep) {
                        _ = try await writing.value
                    }
                }
            }
            let outcome: ArtifactWriter.Outcome
            let tags: [PushResult.Tag]
            do {
                outcome = try await writing.value
                await early.value
                reuse?.cache?.record(loaded.artifact, registry: registry.client.host, repository: options.repository.name)
                var policy = options.tags.policy
                policy.mutability = repositoryStep?.tagMutability ?? .mutable
                policy.exclusions = repositoryStep?.mutabilityExclusions ?? []
                let (top, bytes) = writer.topLevel
                tags = try await TagPublisher(
                    client: registry.client, repository: options.repository.name, policy: policy, rolling: options.tags.rolling,
                    version: options.tags.releaseVersion.flatMap(SemanticVersion.init)
                ).publish(options.tags.names, top: top, bytes: bytes)
            } catch {
                // The run ends with this error; the signing artifacts' requests end first.
                _ = await attaching?.result
                throw error
            }
            push = PushResult(
                registry: registry.imageRegistry, endpoint: registry.client.host, repository: options.repository.name,
                artifact: loaded.artifact, outcome: outcome, mounted: reuse?.mounted ?? 0, tags: tags,
                repositoryStep: repositoryStep, seconds: (clock.now - started).seconds)
        }
        var layoutPath: String?
        if let output = options.destination.outputDirectory {
            // After the push: finishing the layout drops spooled blobs the image does not use.
            // Reused layers were not compressed: their blobs come from the registry.
            try await reuse?.fetchReused(loaded.artifact, into: spool)
            let layout = OCILayout(root: work, spool: spool)
            _ = try await writer.write(to: layout, tags: [Self.refName(options: options, loaded: loaded)])
            if let signing, let signed {
                signingDestinations.append(try await signing.attach(signed, to: layout, replacing: output + "/image"))
            }
            try layout.finish()
            try FileSystem.replace(output + "/image", with: work)
            layoutPath = output + "/image"
        }

        var report = PublishReport(options: options, loaded: loaded, tags: options.tags.names, layout: layoutPath)
        report.push = push
        report.pushed = push != nil
        if let attaching {
            try await afterPush("signing", &report) { signingDestinations.insert(try await attaching.value, at: 0) }
        }
        if let signing, let signed, !signingDestinations.isEmpty {
            report.signing = signing.result(signed, destinations: signingDestinations, repository: options.repository.name)
        }
        if let output = options.destination.outputDirectory {
            // SBOM: DIR/sbom.spdx.json.
            report.sbom = try await afterPush("sbom", &report) {
                try sboms?.write { output + "/" + SBOMStep.fileName($0, format: $1, of: loaded) }
            } ?? nil
        }
        // Record: after the push and the SBOM, before GitOps, so no later failure loses it. A sink
        // that did not take it (the record waits in the outbox) or a refused key makes the run partial.
        let pushed = report
        report.record = try await afterPush("record", &report) {
            try await options.record?.write(pushed, loaded: loaded, sboms: sboms, options: options, targets: recordTargets)
        } ?? nil
        if let failure = report.record?.failure { report.failures.append(StageFailure(stage: "record", message: failure.description)) }
        if let gitops = options.gitops, let imageRegistry {
            report.gitops = try await afterPush("gitops", &report) {
                try await gitops.run(
                    image: ImageReference(registry: imageRegistry, repository: options.repository.name),
                    tag: options.tags.names.first, digest: loaded.artifact.descriptor.digest, dryRun: options.destination.noPush,
                    patchDirectory: options.destination.outputDirectory)
            }
        }
        return report
    }

    /// The key opened, then (`provisioner`, on ECR) the repository step: what the first write
    /// waits for.
    static func writeGate(
        opening: Task<SigningStep, any Error>?, provisioner: RepositoryProvisioner? = nil, repository: RepositoryStage? = nil
    ) -> Task<RepositoryProvisioner.Outcome?, any Error> {
        Task {
            _ = try await opening?.value
            guard let provisioner, let repository else { return nil }
            return try await provisioner.ensure(repository.name, settings: repository.settings, create: repository.create)
        }
    }

    /// `body`'s value; when it fails, the error comes once `gate` has ended, so the run never
    /// ends with the repository step half-done.
    static func settling<T>(_ gate: Task<RepositoryProvisioner.Outcome?, any Error>, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            _ = await gate.result
            throw error
        }
    }

    /// Runs a stage that comes after the image is written. Once the image is in the registry
    /// its failure goes into the report instead of ending the run, so the digest and tags
    /// already pushed still reach the user, and the run exits with the partial status; before
    /// that (`--no-push`) a failure ends the run as any other.
    func afterPush<T>(_ stage: String, _ report: inout PublishReport, _ body: () async throws -> T) async throws -> T? {
        guard report.pushed else { return try await body() }
        do {
            return try await body()
        } catch {
            report.failures.append(StageFailure(stage: stage, message: String(describing: error)))
            return nil
        }
    }

    /// Where the pass spools blobs: inside the output directory when a layout is written (it
    /// becomes the layout), else a private temporary directory. Removed at the end either way.
    static func workDirectory(output: String?) throws -> String {
        guard let output else { return try FileSystem.makeTemporaryDirectory(prefix: "ecr-publish") }
        try FileSystem.makeDirectories(output)
        let path = "\(output)/.image.partial-\(ProcessInfo.processInfo.processIdentifier)"
        FileSystem.removeTree(path)
        try FileSystem.makeDirectories(path)
        return path
    }

    /// Told warnings the run survives (the CLI writes them to standard error).
    private var warn: @Sendable (String) -> Void {
        { [progress] message in progress?("warning   " + message) }
    }

    /// The one pass over the tarball: every blob spooled under `spoolDirectory`, every
    /// digest computed and checked; layers whose blob the registry holds (`reuse`) only
    /// hashed. A classic member remembered wrongly makes the pass run again, compressing.
    func read(
        spoolDirectory: String, onCommit: (@Sendable (Digest, Int64, String) -> Void)? = nil, reuse: (any LayerReuse)? = nil,
        observeNewLayer: (@Sendable (String) -> (any BlobWriteObserver)?)? = nil, stop: StopSignal? = nil
    ) async throws -> (LoadedArchive, BlobSpool) {
        do {
            return try await readOnce(spoolDirectory: spoolDirectory, onCommit: onCommit, reuse: reuse, observeNewLayer: observeNewLayer, stop: stop)
        } catch let miss as LayerReuseMiss {
            warn("\(miss); reading the tarball again and compressing every layer")
            return try await readOnce(spoolDirectory: spoolDirectory, onCommit: onCommit, reuse: nil, observeNewLayer: nil, stop: stop)
        }
    }

    private func readOnce(
        spoolDirectory: String, onCommit: (@Sendable (Digest, Int64, String) -> Void)?, reuse: (any LayerReuse)?,
        observeNewLayer: (@Sendable (String) -> (any BlobWriteObserver)?)?, stop: StopSignal?
    ) async throws -> (LoadedArchive, BlobSpool) {
        let options = self.options
        let events = self.events
        return try await Blocking.run {
            let pool = try CompressionPool(threads: options.build.threads, level: options.build.compressionLevel)
            defer { pool.shutdown() }
            let spool = try BlobSpool(directory: spoolDirectory)
            spool.onCommit = onCommit
            spool.observeNewLayer = observeNewLayer
            var readOptions = ArchiveReadOptions()
            readOptions.imageReference = options.input.imageReference
            readOptions.manifestFormat = options.build.manifestFormat
            readOptions.platform = options.build.platform
            readOptions.limits = options.input.limits
            // Nothing reads the full file list yet (the SBOM will choose what it needs):
            // keep memory independent of the number of files.
            readOptions.recordsEntries = false
            readOptions.visitor = options.sbom?.visitor  // SBOM: its catalogers read during the pass
            readOptions.reuse = reuse
            readOptions.progress = events.map { tell in { @Sendable progress in tell(.read(progress)) } }
            readOptions.stop = stop
            let loaded = try ImageArchiveReader.read(path: options.input.imagePath, options: readOptions, spool: spool, pool: pool)
            return (loaded, spool)
        }
    }

    /// The name the layout gives the image: the first explicit tag, else the tag the tarball
    /// gave it, else `latest`.
    static func refName(options: PublishOptions, loaded: LoadedArchive) -> String {
        if let tag = options.tags.names.first { return tag }
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
