import Crypto
import Foundation
import HTTP
import OCI

extension RegistryClient {
    /// The largest manifest or config read into memory (ECR's manifest limit).
    public static let maxDocumentSize = 4 << 20

    /// The manifest or index `reference` (a tag or digest) names in `repository`, or nil
    /// when there is none. Its bytes are checked against the digest the registry reports
    /// (and against `reference` when that is a digest).
    public func fetchManifest(_ reference: String, in repository: String) async throws -> (descriptor: Descriptor, bytes: [UInt8])? {
        let operation = "read manifest \(reference) of \(repository)"
        var get = HTTPRequest(method: "GET", url: url("/v2/\(repository)/manifests/\(reference)"))
        get.headers.set("Accept", Self.manifestMediaTypes.joined(separator: ", "))
        let answer = try await send(get, operation: operation)
        if answer.status == 404 { return nil }
        guard answer.status == 200 else { throw failure(answer, operation: operation) }
        try requireBounded(answer, operation: operation)
        let digest = SHA256Hasher.digest(answer.body)
        let claimed = Digest(reference) ?? answer.headers["Docker-Content-Digest"].flatMap(Digest.init)
        if let claimed, claimed != digest {
            throw RegistryError.digestMismatch(registry: host, digest: claimed.description, detail: "the manifest read back hashes to \(digest)")
        }
        let mediaType = answer.headers["Content-Type"]?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces)
        } ?? MediaType.ociManifest
        return (Descriptor(mediaType: mediaType, digest: digest, size: Int64(answer.body.count)), answer.body)
    }

    /// A small blob (an image config) of `repository`, checked against its digest; nil when
    /// the registry does not have it.
    public func fetchSmallBlob(_ digest: Digest, in repository: String) async throws -> [UInt8]? {
        let operation = "read blob \(digest) of \(repository)"
        var get = HTTPRequest(method: "GET", url: url("/v2/\(repository)/blobs/\(digest)"))
        // Registries may redirect blob reads to storage; no credentials go along (send()).
        get.followsRedirects = true
        let answer = try await send(get, operation: operation)
        if answer.status == 404 { return nil }
        guard answer.status == 200 else { throw failure(answer, operation: operation) }
        try requireBounded(answer, operation: operation)
        let actual = SHA256Hasher.digest(answer.body)
        guard actual == digest else {
            throw RegistryError.digestMismatch(registry: host, digest: digest.description, detail: "the blob read back hashes to \(actual)")
        }
        return answer.body
    }

    /// Streams a blob of `repository` of any size into `sink` (following a redirect to
    /// storage, without credentials). The caller checks the digest of what arrived.
    public func fetchBlob(_ digest: Digest, in repository: String, to sink: any ResponseBodySink) async throws {
        let operation = "read blob \(digest) of \(repository)"
        var get = HTTPRequest(method: "GET", url: url("/v2/\(repository)/blobs/\(digest)"))
        get.followsRedirects = true
        let answer = try await send(get, operation: operation, sink: sink)
        guard answer.status == 200 else { throw failure(answer, operation: operation) }
    }

    private func requireBounded(_ answer: HTTPResponse, operation: String) throws {
        guard answer.body.count <= Self.maxDocumentSize else {
            throw RegistryError.unexpectedAnswer(
                registry: host, operation: operation, status: answer.status, code: nil,
                detail: "the answer is \(answer.body.count) bytes, over the \(Self.maxDocumentSize)-byte limit for a manifest or config")
        }
    }
}
