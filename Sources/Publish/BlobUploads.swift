import Foundation
import OCI
#if canImport(Glibc)
import Glibc
#endif

/// Every blob written to one destination at most once, however many callers ask: the pass
/// as it commits each blob (uploads overlap the read of the next layer), and the
/// ``ArtifactWriter`` afterwards for whatever is left (a per-digest once, as
/// go-containerregistry's `multi_write.go`). A failed attempt is forgotten, so the writer's
/// own call tries again and reports the error.
actor BlobUploads {
    let destination: any ImageDestination
    /// Remove a spooled blob once the destination has it (no layout asked for it): the
    /// temporary disk stays near the blobs in flight, not the whole image.
    let deleteAfterUpload: Bool
    /// Told one line per blob done (`uploaded …`, `exists …`).
    let progress: (@Sendable (String) -> Void)?
    /// Told each blob's upload start and end (``PublishEvent``).
    let events: (@Sendable (PublishEvent) -> Void)?
    /// Uploads the pass streamed while it compressed: a blob's own is awaited before any
    /// other attempt, which follows only when it did not complete.
    let streams: StreamedUploads?
    private var attempts: [Digest: Task<Bool, any Error>] = [:]
    /// Blobs known to be there without asking (``markPresent(_:)``).
    private var known: Set<Digest> = []

    init(destination: any ImageDestination, deleteAfterUpload: Bool, progress: (@Sendable (String) -> Void)? = nil,
         events: (@Sendable (PublishEvent) -> Void)? = nil, streams: StreamedUploads? = nil) {
        self.destination = destination
        self.deleteAfterUpload = deleteAfterUpload
        self.progress = progress
        self.events = events
        self.streams = streams
    }

    /// Makes sure the destination has the blob; true when this run wrote it, false when it
    /// was there already.
    func ensure(_ descriptor: Descriptor, content: BlobContent) async throws -> Bool {
        if known.remove(descriptor.digest) != nil {
            progress?("exists    \(descriptor.digest)  \(TextReporter.formatBytes(descriptor.size))")
            events?(.done(descriptor.digest, .exists))
            attempts[descriptor.digest] = Task { false }
            return false
        }
        let task = attempts[descriptor.digest] ?? Task { [destination, progress, events, streamed = streams?.take(descriptor.digest)] in
            let clock = ContinuousClock()
            let started = clock.now
            do {
                if case .uploaded(let freed)? = try await streamed?.value {
                    progress?("uploaded  \(descriptor.digest)  \(TextReporter.formatBytes(descriptor.size)), streamed while compressed"
                        + (freed > 0 ? " (\(TextReporter.formatBytes(freed)) of its spool freed as the registry took them)" : ""))
                    events?(.done(descriptor.digest, .streamed))
                    return true
                }
            } catch let broken as StreamedUploadBroken {
                throw broken
            } catch {
                // The stream broke with its spool whole: the usual upload starts over from it.
            }
            if try await destination.blobExists(descriptor) {
                progress?("exists    \(descriptor.digest)  \(TextReporter.formatBytes(descriptor.size))")
                events?(.done(descriptor.digest, .exists))
                return false
            }
            events?(.sent(.digest(descriptor.digest), sent: 0, size: descriptor.size))
            try await destination.writeBlob(descriptor, content: content)
            progress?("uploaded  \(descriptor.digest)  \(TextReporter.formatBytes(descriptor.size)) in "
                + String(format: "%.1f s", (clock.now - started).seconds))
            events?(.done(descriptor.digest, .uploaded))
            return true
        }
        attempts[descriptor.digest] = task
        do {
            let written = try await task.value
            if deleteAfterUpload, case .file(let path) = content { unlink(path) }
            return written
        } catch {
            // A failed attempt is forgotten, so the next caller tries again; but a stream whose
            // spool was freed cannot be sent again, and every caller gets its error.
            if !(error is StreamedUploadBroken) { attempts[descriptor.digest] = nil }
            throw error
        }
    }

    /// Records blobs the destination is known to hold (the pass checked them), so they are
    /// not asked about again.
    func markPresent(_ digests: Set<Digest>) {
        known.formUnion(digests.filter { attempts[$0] == nil })
    }

    /// Uploads each announced blob, at most `jobs` at a time, until the stream ends. Failures
    /// are left for the writer's own attempt to report.
    func upload(_ announced: AsyncStream<CommittedBlob>, jobs: Int) async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for await blob in announced {
                if running >= jobs {
                    await group.next()
                    running -= 1
                }
                let descriptor = Descriptor(mediaType: "application/octet-stream", digest: blob.digest, size: blob.size)
                group.addTask { _ = try? await self.ensure(descriptor, content: .file(path: blob.path)) }
                running += 1
            }
        }
    }
}

/// A blob the pass has just committed to the spool.
struct CommittedBlob: Sendable {
    var digest: Digest
    var size: Int64
    var path: String
}
