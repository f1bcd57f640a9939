import Foundation
import HTTP
import OCI

extension RegistryClient {
    /// Points `tag` at a manifest already in `repository`. The tag is read first: one that
    /// already names the digest is left alone (ECR refuses even an identical re-push in an
    /// immutable repository).
    public func tag(_ descriptor: Descriptor, bytes: [UInt8], as tag: String, in repository: String) async throws -> TagOutcome {
        if try await manifestDigest(tag, in: repository) == descriptor.digest { return .alreadyThere }
        try await putManifest(descriptor, bytes: bytes, reference: tag, in: repository)
        return .written
    }
}

extension RegistryClient {
    /// Every tag of `repository` (`GET /v2/<name>/tags/list`, all pages).
    public func listTags(in repository: String) async throws -> [String] {
        struct Page: Decodable { var tags: [String]? }
        let operation = "list the tags of \(repository)"
        var next: URL? = url("/v2/\(repository)/tags/list?n=1000")
        var tags: [String] = []
        var pages = 0
        while let page = next, pages < 1000 {
            pages += 1
            let answer = try await send(HTTPRequest(method: "GET", url: page), operation: operation)
            if answer.status == 404 { return tags }
            guard answer.status == 200 else { throw failure(answer, operation: operation) }
            guard let decoded = try? JSONDecoder().decode(Page.self, from: Data(answer.body)) else {
                throw RegistryError.unexpectedAnswer(registry: host, operation: operation, status: 200, code: nil, detail: "the tag list is not JSON")
            }
            tags += decoded.tags ?? []
            // `Link: </v2/…/tags/list?n=…&last=…>; rel="next"`
            next = answer.headers["Link"].flatMap { link in
                guard let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">"), open < close else { return nil }
                return try? resolve(location: String(link[link.index(after: open)..<close]), operation: operation)
            }
        }
        return tags
    }
}
