import Foundation
import OCI

/// Reading back from where signatures are written (a registry repository, an OCI image
/// layout): existing `.sig`/`.att` images are extended rather than replaced, the referrers
/// tag index is read before it is rewritten, and `verify` reads what it checks.
public protocol ArtifactReader: Sendable {
    /// For messages: `HOST/REPOSITORY`, `OCI layout DIR`.
    var name: String { get }
    /// The manifest or index `reference` (a tag or a digest) names, with its bytes, or nil
    /// when there is none.
    func manifest(_ reference: String) async throws -> (descriptor: Descriptor, bytes: [UInt8])?
    /// A blob of at most `maximumSize` bytes, or nil when absent. Its digest is checked by
    /// whoever uses it (the verifier, the destination it is written to).
    func blob(_ digest: Digest, maximumSize: Int) async throws -> [UInt8]?
    /// The referrers API's list for `digest`, or nil when there is no such API (then the
    /// referrers tag schema of the distribution spec 1.1 applies).
    func referrers(of digest: Digest) async throws -> ImageIndex?
}

extension ArtifactReader {
    /// The image manifest `reference` names, decoded, or nil when there is none; an index or
    /// something else under that name is an error.
    func imageManifest(_ reference: String) async throws -> (descriptor: Descriptor, manifest: ImageManifest)? {
        guard let (descriptor, bytes) = try await manifest(reference) else { return nil }
        guard MediaType.isManifest(descriptor.mediaType),
              let manifest = try? JSONDecoder().decode(ImageManifest.self, from: Data(bytes)) else {
            throw SigningError.artifact("\(name): \(reference) is a \(descriptor.mediaType), not an image manifest")
        }
        return (descriptor, manifest)
    }
}
