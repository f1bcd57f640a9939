import Foundation
import HTTP
import OCI

extension RegistryClient {
    /// Every manifest media type we push, for `Accept`.
    static let manifestMediaTypes = [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList]

    /// Stores a manifest or index under `reference` (its digest, or a tag). The digest the
    /// registry reports must be the one we computed.
    public func putManifest(_ descriptor: Descriptor, bytes: [UInt8], reference: String, in repository: String) async throws {
        let operation = "put manifest \(reference) in \(repository)"
        var put = HTTPRequest(method: "PUT", url: url("/v2/\(repository)/manifests/\(reference)"), body: .bytes(bytes))
        put.headers.set("Content-Type", descriptor.mediaType)
        let answer = try await send(put, operation: operation)
        guard answer.status == 201 || answer.status == 200 else {
            let (code, message) = RegistryErrorBody.summary(of: answer.body)
            // ECR in an immutable repository; match the code, never the text.
            if code == "TAG_INVALID", reference != descriptor.digest.description {
                throw RegistryError.tagImmutable(registry: host, repository: repository, tag: reference, detail: message)
            }
            if code == "DIGEST_INVALID" {
                throw RegistryError.digestMismatch(registry: host, digest: descriptor.digest.description, detail: message)
            }
            throw failure(answer, operation: operation)
        }
        if let reported = answer.headers["Docker-Content-Digest"], reported != descriptor.digest.description {
            throw RegistryError.digestMismatch(registry: host, digest: descriptor.digest.description, detail: "it reports \(reported)")
        }
    }

    /// The digest `reference` (a tag) points at in `repository`, or nil when there is none.
    public func manifestDigest(_ reference: String, in repository: String) async throws -> Digest? {
        let operation = "read manifest \(reference) of \(repository)"
        var head = HTTPRequest(method: "HEAD", url: url("/v2/\(repository)/manifests/\(reference)"))
        head.headers.set("Accept", Self.manifestMediaTypes.joined(separator: ", "))
        let answer = try await send(head, operation: operation)
        switch answer.status {
        case 200...299:
            guard let text = answer.headers["Docker-Content-Digest"], let digest = Digest(text) else {
                throw RegistryError.unexpectedAnswer(
                    registry: host, operation: operation, status: answer.status, code: nil, detail: "no Docker-Content-Digest header")
            }
            return digest
        case 404:
            return nil
        default:
            throw failure(answer, operation: operation)
        }
    }
}
