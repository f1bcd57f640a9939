import Crypto
import Foundation
import OCI
import Registry
import Signing

/// A registry repository is where its signatures are read back from.
extension RegistryRepository: ArtifactReader {
    public func manifest(_ reference: String) async throws -> (descriptor: Descriptor, bytes: [UInt8])? {
        try await client.manifest(reference, in: repository)
    }

    public func blob(_ digest: Digest, maximumSize: Int) async throws -> [UInt8]? {
        try await client.blob(digest, in: repository, maximumSize: maximumSize)
    }

    public func referrers(of digest: Digest) async throws -> ImageIndex? {
        try await client.referrers(of: digest, in: repository)
    }
}

/// An OCI image layout on disk, read-only: what `verify LAYOUT` checks, and the previous
/// `DIR/image` whose signatures a new `--no-push` run keeps. Every file is bounded in size
/// and named by a checked digest (no path from the layout is followed).
struct SigningLayoutReader: ArtifactReader {
    let root: String

    var name: String { "OCI layout \(root)" }

    /// Whether `path` holds an OCI layout (an `oci-layout` file and `index.json`).
    static func isLayout(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path + "/oci-layout") && FileManager.default.fileExists(atPath: path + "/index.json")
    }

    /// `index.json`'s entries.
    func index() throws -> ImageIndex {
        guard let bytes = try Self.read(root + "/index.json", maximumSize: 4 << 20),
              let index = try? JSONDecoder().decode(ImageIndex.self, from: Data(bytes)) else {
            throw SigningError.artifact("\(name): index.json is missing or not an OCI image index")
        }
        return index
    }

    func manifest(_ reference: String) async throws -> (descriptor: Descriptor, bytes: [UInt8])? {
        var descriptor: Descriptor?
        if let digest = Digest(reference) {
            descriptor = try index().manifests.first { $0.digest == digest }
            if descriptor == nil, let bytes = try await blob(digest, maximumSize: 4 << 20), SHA256Hasher.digest(bytes) == digest {
                return (Descriptor(mediaType: Self.mediaType(of: bytes) ?? MediaType.ociManifest, digest: digest, size: Int64(bytes.count)), bytes)
            }
        } else {
            descriptor = try index().manifests.last { $0.annotations?[AnnotationKey.refName] == reference }
        }
        guard var found = descriptor else { return nil }
        guard let bytes = try await blob(found.digest, maximumSize: 4 << 20) else {
            throw SigningError.artifact("\(name): index.json names \(found.digest), which is not in blobs/")
        }
        guard SHA256Hasher.digest(bytes) == found.digest else {
            throw SigningError.verificationFailed("\(name): the manifest \(found.digest) does not match its digest (altered)")
        }
        found.annotations = nil
        return (found, bytes)
    }

    /// The blob as stored: the verifier checks it against its digest and says so when a
    /// file was altered; a destination checks what it is given.
    func blob(_ digest: Digest, maximumSize: Int) async throws -> [UInt8]? {
        try Self.read("\(root)/blobs/\(digest.algorithm.rawValue)/\(digest.hex)", maximumSize: maximumSize)
    }

    /// A layout has no referrers API: the tag schema's index is read instead.
    func referrers(of digest: Digest) async throws -> ImageIndex? { nil }

    private static func read(_ path: String, maximumSize: Int) throws -> [UInt8]? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        guard attributes[.type] as? FileAttributeType == .typeRegular, (attributes[.size] as? Int ?? 0) <= maximumSize else {
            // A layout is checked, not trusted: what cannot be read safely does not verify.
            throw SigningError.verificationFailed("\(path) is not a regular file of at most \(maximumSize) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }

    private static func mediaType(of bytes: [UInt8]) -> String? {
        struct Head: Decodable { var mediaType: String? }
        return (try? JSONDecoder().decode(Head.self, from: Data(bytes)))?.mediaType
    }
}
