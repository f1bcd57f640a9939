import Foundation
import ImageArchive
import OCI
import Registry
import StreamIO
#if canImport(Glibc)
import Glibc
#endif

/// Uploads of new layers that start while the pass still compresses them: each full part
/// of the blob written so far goes up (`PATCH`, parts of the client's chunk size, which ECR
/// accepts), and the tail with the closing `PUT ?digest=` once the blob is committed. The
/// upload of the last layer then no longer waits for its compression to end.
///
/// Only layers the registry is known to lack are streamed (their diffID was known and no
/// blob was found for it, or nothing at all is known to be in the repository: see
/// ``LayerReuse/mayHoldUnannouncedLayers``): a blob's digest is unknown until it is
/// complete, so no `HEAD` can come first. A blob smaller than one part, a stream that fails, or one abandoned is left
/// to the usual upload after the commit (``BlobUploads``), which checks the registry first.
///
/// With a `spoolLimit` (no layout wants the blob), a stream that has gone past it frees each
/// part of the spooled file once the registry has taken it, and the writer waits while more
/// than the limit is spooled but not taken, so a layer of many gigabytes needs about that much
/// temporary disk, not its whole size; such a stream that then breaks cannot fall back (a new
/// session would need the freed parts) and fails the push instead.
final class StreamedUploads: @unchecked Sendable {
    let client: RegistryClient
    let repository: String
    /// Bytes of a stream kept on disk after the registry has them (nil: all, for the layout).
    let spoolLimit: Int64?
    /// Told each part sent (``PublishEvent/UploadedBlob/stream(_:)`` until the blob is committed).
    let events: (@Sendable (PublishEvent) -> Void)?
    /// Awaited before a stream's first request (the repository step and the signing key must
    /// be through first); the compressor spools meanwhile.
    let beforeWrites: @Sendable () async throws -> Void
    private let lock = NSLock()
    private var finished: [Digest: Task<StreamedUpload.Outcome, any Error>] = [:]
    private var started = 0

    init(
        client: RegistryClient, repository: String, spoolLimit: Int64?, events: (@Sendable (PublishEvent) -> Void)? = nil,
        beforeWrites: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.client = client
        self.beforeWrites = beforeWrites
        self.repository = repository
        self.spoolLimit = spoolLimit
        self.events = events
    }

    /// An observer streaming the blob being written at `temporaryPath`.
    func observe(_ temporaryPath: String) -> (any BlobWriteObserver)? {
        StreamedUpload(temporaryPath: temporaryPath, owner: self, number: lock.withLock { started += 1; return started })
    }

    /// The streamed upload of `digest`, once.
    func take(_ digest: Digest) -> Task<StreamedUpload.Outcome, any Error>? {
        lock.withLock { finished.removeValue(forKey: digest) }
    }

    fileprivate func committed(_ digest: Digest, _ task: Task<StreamedUpload.Outcome, any Error>) {
        lock.withLock { finished[digest] = task }
    }
}

/// A stream broke after parts of its spooled blob were freed (``StreamedUploads/spoolLimit``):
/// the blob cannot be sent again from the spool.
public struct StreamedUploadBroken: Error, CustomStringConvertible {
    /// Bytes of the blob freed from the spool before the upload broke.
    public var freed: Int64
    public var cause: any Error

    public var description: String {
        "the upload of a layer streamed while it was compressed broke (\(cause)) after the first "
            + "\(TextReporter.formatBytes(freed)) of its spool were freed to save disk; nothing was tagged. Run the push again "
            + "(blobs already in the registry are not sent again), or raise --spool-limit so a broken upload can start over from the spool"
    }
}

/// One blob's streamed upload: the writing thread reports sizes; a task sends the parts.
final class StreamedUpload: BlobWriteObserver, @unchecked Sendable {
    /// How a stream ended.
    enum Outcome: Sendable {
        /// The registry has the blob; `freed` bytes of its spool were freed on the way.
        case uploaded(freed: Int64)
        /// Not streamed (smaller than one part, or abandoned): the usual upload follows.
        case notStreamed
    }

    private struct State {
        var written: Int64 = 0
        /// Bytes the registry has taken.
        var taken: Int64 = 0
        var final: (digest: Digest, size: Int64)?
        var abandoned = false
        /// The upload has ended (done or failed): the writer waits for it no more.
        var ended = false
    }

    private let owner: StreamedUploads
    /// Guards `state`; the writer waits on it while too much is spooled but not yet taken.
    private let lock = NSCondition()
    private var state = State()
    private let wake: AsyncStream<Void>.Continuation
    private var task: Task<Outcome, any Error>!
    /// The blob's file, opened before it is renamed: `/proc/self/fd/N` reads it whatever its name.
    private let descriptor: Int32
    private let number: Int

    init?(temporaryPath: String, owner: StreamedUploads, number: Int) {
        // Read and write: parts the registry has taken may be freed (FileSpace.release).
        descriptor = open(temporaryPath, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        self.owner = owner
        self.number = number
        let (signals, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wake = wake
        task = Task { [self] in
            defer {
                update(ended: true)
                close(descriptor)
            }
            return try await run(signals)
        }
    }

    /// With a spool limit, the writer (the compressor's output thread, so the pass behind it)
    /// waits while more than the limit, and at least two parts, is spooled but not yet taken by
    /// the registry: the compression cannot run far ahead of the upload, and the temporary disk
    /// stays near the limit.
    func written(size: Int64) {
        lock.withLock {
            state.written = size
            if let limit = owner.spoolLimit {
                let backlog = max(limit, 2 * owner.client.chunkSize)
                while state.written - state.taken > backlog && !state.ended {
                    wake.yield()
                    lock.wait()
                }
            }
        }
        wake.yield()
    }

    /// Records what the registry has taken, or that the upload ended, and wakes the writer.
    private func update(taken: Int64? = nil, ended: Bool = false) {
        lock.withLock {
            if let taken { state.taken = taken }
            if ended { state.ended = true }
            lock.broadcast()
        }
    }

    func committed(digest: Digest, size: Int64, path: String) {
        lock.withLock { state.final = (digest, size) }
        owner.committed(digest, task)
        wake.yield()
        wake.finish()
    }

    func abandoned() {
        lock.withLock { state.abandoned = true }
        wake.finish()
    }

    private func run(_ signals: AsyncStream<Void>) async throws -> Outcome {
        let client = owner.client, repository = owner.repository
        let path = "/proc/self/fd/\(descriptor)"
        var location: URL?
        var offset: Int64 = 0
        var freed: Int64 = 0
        // The registry has everything before `offset`: past the limit, its disk blocks go.
        func freeTaken() {
            guard let limit = owner.spoolLimit, offset > limit, FileSpace.release(descriptor, offset: freed, length: offset - freed) else { return }
            freed = offset
        }
        do {
            var iterator = signals.makeAsyncIterator()
            while true {
                let now = lock.withLock { state }
                if now.abandoned { break }
                if let final = now.final {
                    guard var session = location else { return .notStreamed }
                    owner.events?(.sent(.digest(final.digest), sent: offset, size: final.size))
                    // The rest in parts of the same size (ECR bounds a part's size too).
                    while offset < final.size {
                        let length = min(client.chunkSize, final.size - offset)
                        session = try await client.uploadPart(path: path, offset: offset, length: length, at: session, in: repository)
                        location = session
                        offset += length
                        update(taken: offset)
                        freeTaken()
                        owner.events?(.sent(.digest(final.digest), sent: offset, size: final.size))
                    }
                    let descriptor = Descriptor(mediaType: "application/octet-stream", digest: final.digest, size: final.size)
                    try await client.finishUpload(descriptor, at: session, body: .empty, in: repository)
                    return .uploaded(freed: freed)
                }
                if now.written - offset >= client.chunkSize {
                    let session: URL
                    if let location {
                        session = location
                    } else {
                        try await owner.beforeWrites()
                        session = try await client.startUpload(to: repository)
                    }
                    location = try await client.uploadPart(
                        path: path, offset: offset, length: client.chunkSize, at: session, in: repository)
                    offset += client.chunkSize
                    update(taken: offset)
                    freeTaken()
                    owner.events?(.sent(.stream(number), sent: offset, size: nil))
                    continue
                }
                if await iterator.next() == nil, lock.withLock({ state.final == nil }) { break }
            }
        } catch {
            if let location { await client.cancelUpload(at: location) }
            throw freed > 0 ? StreamedUploadBroken(freed: freed, cause: error) : error
        }
        if let location { await client.cancelUpload(at: location) }
        // Abandoned (the pass failed): nothing will read the freed file again.
        return .notStreamed
    }
}
