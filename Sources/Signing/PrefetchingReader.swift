import Foundation
import OCI

/// An ``ArtifactReader`` whose reads of some manifests start when it is made: the existing
/// `.sig`, `.att` and referrers index an attach reads first, asked for while the payloads are
/// still being signed (with KMS, a round trip). Each early read answers the first call for
/// its reference only; a later call reads again, since the attach that made it may have
/// written that tag since (two attestations of one image extend the same `.att`).
public final class PrefetchingReader: ArtifactReader, @unchecked Sendable {
    private let base: any ArtifactReader
    private let lock = NSLock()
    private var early: [String: Task<(descriptor: Descriptor, bytes: [UInt8])?, any Error>]

    public init(_ base: any ArtifactReader, manifests references: [String]) {
        self.base = base
        var early: [String: Task<(descriptor: Descriptor, bytes: [UInt8])?, any Error>] = [:]
        for reference in Set(references) {
            early[reference] = Task { try await base.manifest(reference) }
        }
        self.early = early
    }

    deinit {
        // Reads nobody took (the signing failed): nothing waits for them.
        for task in early.values { task.cancel() }
    }

    public var name: String { base.name }

    public func manifest(_ reference: String) async throws -> (descriptor: Descriptor, bytes: [UInt8])? {
        let started = lock.withLock { early.removeValue(forKey: reference) }
        if let started { return try await started.value }
        return try await base.manifest(reference)
    }

    public func blob(_ digest: Digest, maximumSize: Int) async throws -> [UInt8]? {
        try await base.blob(digest, maximumSize: maximumSize)
    }

    public func referrers(of digest: Digest) async throws -> ImageIndex? {
        try await base.referrers(of: digest)
    }
}
