import Foundation
import ImageArchive
import OCI
import Registry

/// ``LayerReuse`` for a push: a layer's blob is taken from what the repository's previous
/// image names and what the local ``BlobInfoCache`` remembers, once the registry confirms
/// it: a `HEAD` in the target repository, or a cross-repository mount from another
/// repository of the same registry. Anything unconfirmed is compressed and uploaded as usual.
///
/// The pass asks from its own thread (never the cooperative pool) and waits for each answer.
final class LayerReuseRegistry: LayerReuse, @unchecked Sendable {
    let client: RegistryClient
    let repository: String
    /// From the registry's previous image, tried first.
    let previous: [Digest: Descriptor]
    let cache: BlobInfoCache?
    /// Whether remembered member names may be trusted as hints (the input can be read again
    /// if one is wrong: a regular file, not a pipe).
    let usesMemberHints: Bool
    /// Awaited before a mount, the one write reuse makes (the repository step and the signing
    /// key must be through first).
    let beforeWrites: @Sendable () async throws -> Void

    private let lock = NSLock()
    private var present: [Digest: Bool] = [:]
    private var mountedDigests: Set<Digest> = []

    init(
        client: RegistryClient, repository: String, previous: [Digest: Descriptor], cache: BlobInfoCache?, usesMemberHints: Bool,
        beforeWrites: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.client = client
        self.beforeWrites = beforeWrites
        self.repository = repository
        self.previous = previous
        self.cache = cache
        self.usesMemberHints = usesMemberHints
    }

    /// Blobs this run mounted from other repositories.
    var mounted: Int { lock.withLock { mountedDigests.count } }

    /// Blobs the repository is known to hold (checked or mounted by this run).
    var confirmed: Set<Digest> { lock.withLock { Set(present.filter(\.value).keys) } }

    /// Asks the repository, `jobs` at a time, about every blob of the previous image before
    /// the pass needs the answers, so the pass does not wait a round trip per layer.
    func checkPrevious(jobs: Int) async {
        let digests = Array(Set(previous.values.map(\.digest)))
        let answers = await withTaskGroup(of: (Digest, Bool?).self) { group in
            var answers: [(Digest, Bool?)] = []
            var next = 0
            func start() {
                guard next < digests.count else { return }
                let digest = digests[next]
                next += 1
                group.addTask { [client, repository] in (digest, try? await client.blobExists(digest, in: repository)) }
            }
            for _ in 0..<max(1, jobs) { start() }
            while let answer = await group.next() {
                answers.append(answer)
                start()
            }
            return answers
        }
        lock.withLock {
            for case let (digest, known?) in answers { present[digest] = known }
        }
    }

    func expectedDiffID(path: String, size: Int64) -> Digest? {
        usesMemberHints ? cache?.diffID(forMember: path, size: size) : nil
    }

    var mayHoldUnannouncedLayers: Bool {
        !previous.isEmpty || cache?.knowsBlobs(in: client.host) == true
    }

    func reusableBlob(forDiffID diffID: Digest) -> Descriptor? {
        var candidates: [(repository: String, descriptor: Descriptor)] = []
        if let blob = previous[diffID] { candidates.append((repository, blob)) }
        for (source, entry) in cache?.blobs(forDiffID: diffID, registry: client.host, preferring: repository) ?? []
        where LayerReuseCandidates.isGzip(entry.mediaType) {
            candidates.append((source, Descriptor(mediaType: entry.mediaType, digest: entry.digest, size: entry.size)))
        }
        for candidate in candidates where candidate.repository == repository {
            if exists(candidate.descriptor.digest) { return candidate.descriptor }
        }
        for candidate in candidates where candidate.repository != repository {
            if mount(candidate.descriptor.digest, from: candidate.repository) { return candidate.descriptor }
        }
        return nil
    }

    /// Whether the repository holds `digest` (asked once per digest). A failed check counts
    /// as absent: the layer is then compressed and the upload says what is wrong.
    private func exists(_ digest: Digest) -> Bool {
        if let known = lock.withLock({ present[digest] }) { return known }
        let answer = (try? Self.wait { [client, repository] in try await client.blobExists(digest, in: repository) }) ?? false
        lock.withLock { present[digest] = answer }
        return answer
    }

    private func mount(_ digest: Digest, from source: String) -> Bool {
        if exists(digest) { return true }
        let mounted = (try? Self.wait { [client, repository, beforeWrites] in
            try await beforeWrites()
            return try await client.mountBlob(digest, from: source, into: repository)
        }) ?? false
        if mounted {
            lock.withLock {
                present[digest] = true
                mountedDigests.insert(digest)
            }
        }
        return mounted
    }

    /// Runs `body` on the cooperative pool and blocks this (non-pool) thread until it ends.
    private static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task {
            do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        return try box.get()
    }
}

/// A result handed from a task to a waiting thread.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }
    func get() throws -> T { try lock.withLock { result! }.get() }
}

extension LayerReuseRegistry {
    /// The reuse for a push of `options` to `client`: the local cache (unless it cannot be
    /// placed) and the repository's previous image. Trouble reading the previous image is a
    /// warning, never a failure: the layers are compressed then.
    static func prepare(
        options: PublishOptions, client: RegistryClient, environment: [String: String],
        beforeWrites: @escaping @Sendable () async throws -> Void = {}, warn: @escaping @Sendable (String) -> Void
    ) async -> LayerReuseRegistry {
        let directory = options.destination.cacheDirectory ?? BlobInfoCache.defaultDirectory(environment: environment)
        let cache = directory.map { BlobInfoCache(root: $0, warn: warn) }
        var previous: [Digest: Descriptor] = [:]
        do {
            previous = try await LayerReuseCandidates.previousImage(
                client: client, repository: options.repository.name, tags: options.tags.names, rolling: options.tags.rolling
            )?.blobs ?? [:]
        } catch {
            warn("could not read the repository's previous image to reuse its layers (\(error)); compressing them")
        }
        let reuse = LayerReuseRegistry(
            client: client, repository: options.repository.name, previous: previous, cache: cache,
            usesMemberHints: FileSystem.isRegularFile(options.input.imagePath), beforeWrites: beforeWrites)
        await reuse.checkPrevious(jobs: options.destination.jobs)
        return reuse
    }
}
