import Foundation
import Crypto
import HTTP
import OCI

extension RegistryClient {
    /// The largest manifest or config read into memory by default (ECR's manifest limit).
    public static let maxDocumentSize = 4 << 20

    /// The manifest or index `reference` (a tag or a digest) names in `repository`, with its
    /// bytes, or nil when there is none. The bytes must hash to the digest the registry
    /// reports (and to `reference` when it is a digest), and are at most `maximumSize`.
    public func manifest(
        _ reference: String, in repository: String, maximumSize: Int = maxDocumentSize
    ) async throws -> (descriptor: Descriptor, bytes: [UInt8])? {
        let operation = "read manifest \(reference) of \(repository)"
        var get = HTTPRequest(method: "GET", url: url("/v2/\(repository)/manifests/\(reference)"))
        get.headers.set("Accept", Self.manifestMediaTypes.joined(separator: ", "))
        guard let answer = try await fetch(get, maximumSize: maximumSize, operation: operation) else { return nil }
        let digest = SHA256Hasher.digest(answer.body)
        let expected = Digest(reference) ?? answer.headers["Docker-Content-Digest"].flatMap(Digest.init)
        if let expected, expected != digest {
            throw RegistryError.digestMismatch(registry: host, digest: expected.description, detail: "the manifest read is \(digest)")
        }
        let contentType = answer.headers["Content-Type"]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
        let mediaType = Self.mediaType(of: answer.body) ?? contentType ?? MediaType.ociManifest
        return (Descriptor(mediaType: mediaType, digest: digest, size: Int64(answer.body.count)), answer.body)
    }

    /// A blob of `repository` in memory, checked against its digest, or nil when there is
    /// none. For small blobs only (configs, signatures, SBOMs): larger than `maximumSize` is
    /// an error.
    public func blob(_ digest: Digest, in repository: String, maximumSize: Int = maxDocumentSize) async throws -> [UInt8]? {
        let operation = "read blob \(digest) of \(repository)"
        var get = HTTPRequest(method: "GET", url: url("/v2/\(repository)/blobs/\(digest)"))
        // ECR answers with a redirect to S3; credentials do not follow it to another host.
        get.followsRedirects = true
        guard let answer = try await fetch(get, maximumSize: maximumSize, operation: operation) else { return nil }
        guard SHA256Hasher.digest(answer.body) == digest else {
            throw RegistryError.digestMismatch(registry: host, digest: digest.description, detail: "the blob read has another digest")
        }
        return answer.body
    }

    /// The referrers of `digest` (`GET /v2/<name>/referrers/<digest>`, distribution spec 1.1),
    /// or nil when the registry has no referrers API (404, or 405 as ECR answers for some
    /// subjects): then the referrers tag schema applies.
    public func referrers(of digest: Digest, in repository: String) async throws -> ImageIndex? {
        let operation = "list the referrers of \(digest) in \(repository)"
        var get = HTTPRequest(method: "GET", url: url("/v2/\(repository)/referrers/\(digest)"))
        get.headers.set("Accept", MediaType.ociIndex)
        let answer = try await send(get, operation: operation)
        if answer.status == 404 || answer.status == 405 { return nil }
        guard answer.status == 200 else { throw failure(answer, operation: operation) }
        guard let index = try? JSONDecoder().decode(ImageIndex.self, from: Data(answer.body)) else {
            // Some registries answer 200 with something else where they have no API.
            return nil
        }
        return index
    }

    /// The answer to `request` when 200 with at most `maximumSize` bytes; nil on 404.
    private func fetch(_ request: HTTPRequest, maximumSize: Int, operation: String) async throws -> HTTPResponse? {
        let answer = try await send(request, operation: operation)
        if answer.status == 404 { return nil }
        guard answer.status == 200 else { throw failure(answer, operation: operation) }
        guard answer.body.count <= maximumSize else {
            throw RegistryError.unexpectedAnswer(registry: host, operation: operation, status: 200, code: nil,
                                                 detail: "the answer is larger than \(maximumSize) bytes")
        }
        return answer
    }

    /// The `mediaType` a manifest declares, if it declares one.
    static func mediaType(of bytes: [UInt8]) -> String? {
        struct Head: Decodable { var mediaType: String? }
        return (try? JSONDecoder().decode(Head.self, from: Data(bytes)))?.mediaType
    }
}
