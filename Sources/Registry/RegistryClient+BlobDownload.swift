import Foundation
import HTTP
import OCI

extension RegistryClient {
    /// Streams a blob of `repository` of any size into `sink` (following a redirect to
    /// storage, without credentials). The caller checks the digest of what arrived.
    public func fetchBlob(_ digest: Digest, in repository: String, to sink: any ResponseBodySink) async throws {
        let operation = "read blob \(digest) of \(repository)"
        var get = HTTPRequest(method: "GET", url: url("/v2/\(repository)/blobs/\(digest)"))
        get.followsRedirects = true
        let answer = try await send(get, operation: operation, sink: sink)
        guard answer.status == 200 else { throw failure(answer, operation: operation) }
    }
}
