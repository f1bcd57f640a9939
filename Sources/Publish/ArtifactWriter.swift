import Foundation
import ImageArchive
import OCI

/// Writes a prepared artifact to one ``ImageDestination`` in the order registries need:
/// every blob (once, however many manifests share it; at most `jobs` at a time), then each
/// image's manifest, then the index, then the tags. Nothing is tagged before everything it
/// names is written.
struct ArtifactWriter: Sendable {
    let artifact: PreparedArtifact
    let spool: BlobSpool
    let jobs: Int

    /// What one destination got.
    struct Outcome: Sendable {
        var blobsWritten = 0
        var bytesWritten: Int64 = 0
        var blobsPresent = 0
        var bytesPresent: Int64 = 0
        var tags: [(tag: String, outcome: TagOutcome)] = []
    }

    /// The image and then each tag, as given.
    func write(to destination: any ImageDestination, tags: [String]) async throws -> Outcome {
        var outcome = try await writeImage(to: destination)
        let (top, bytes) = topLevel
        for tag in tags {
            outcome.tags.append((tag, try await destination.tag(top, bytes: bytes, as: tag)))
        }
        return outcome
    }

    /// Blobs, manifests and the index, by digest: everything but the tags. Blobs go through
    /// `uploads` when given (the pass may have written some already).
    func writeImage(to destination: any ImageDestination, uploads: BlobUploads? = nil) async throws -> Outcome {
        var outcome = Outcome()
        let uploads = uploads ?? BlobUploads(destination: destination, deleteAfterUpload: false)
        for (descriptor, written) in try await writeBlobs(through: uploads) {
            if written {
                outcome.blobsWritten += 1
                outcome.bytesWritten += descriptor.size
            } else {
                outcome.blobsPresent += 1
                outcome.bytesPresent += descriptor.size
            }
        }
        for image in artifact.images {
            try await destination.writeManifest(image.manifest, bytes: image.manifestBytes)
        }
        let (top, bytes) = topLevel
        if case .index = artifact { try await destination.writeManifest(top, bytes: bytes) }
        return outcome
    }

    /// The top-level manifest or index and its bytes.
    var topLevel: (Descriptor, [UInt8]) {
        switch artifact {
        case .image(let image): return (image.manifest, image.manifestBytes)
        case .index(let index): return (index.descriptor, index.bytes)
        }
    }

    /// Every distinct blob of the artifact with its content: layers from the spool, configs
    /// from memory.
    var blobs: [(Descriptor, BlobContent)] {
        var seen = Set<Digest>()
        var blobs: [(Descriptor, BlobContent)] = []
        for image in artifact.images {
            for layer in image.layers where seen.insert(layer.descriptor.digest).inserted {
                blobs.append((layer.descriptor, .file(path: spool.path(for: layer.descriptor.digest))))
            }
            if seen.insert(image.config.digest).inserted {
                blobs.append((image.config, .bytes(image.configBytes)))
            }
        }
        return blobs
    }

    /// Writes the blobs the destination lacks, `jobs` at a time; returns each with whether
    /// it was written (false: already there).
    private func writeBlobs(through uploads: BlobUploads) async throws -> [(Descriptor, Bool)] {
        let pending = blobs
        return try await withThrowingTaskGroup(of: (Descriptor, Bool).self) { group in
            var results: [(Descriptor, Bool)] = []
            var started = 0
            func startNext() {
                guard started < pending.count else { return }
                let (descriptor, content) = pending[started]
                started += 1
                group.addTask { (descriptor, try await uploads.ensure(descriptor, content: content)) }
            }
            for _ in 0..<max(1, jobs) { startNext() }
            while let result = try await group.next() {
                results.append(result)
                startNext()
            }
            return results
        }
    }
}
