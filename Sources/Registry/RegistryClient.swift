import Foundation
import HTTP
import OCI

/// A client of one OCI distribution registry (an ECR registry endpoint, or any
/// distribution-spec registry), over any ``HTTPClient`` (in practice the libcurl client
/// inside the one retry layer). One file per endpoint family: `+CheckAPI` (`/v2/`),
/// `+Blobs`, `+Manifests`, `+Tags`, `+ImageDestination`.
///
/// Credentials go up front on every request to the registry's own origin and nowhere else:
/// an upload location on another host gets no `Authorization` header.
public struct RegistryClient: Sendable {
    /// Where requests go: `https://host[:port]` (an ECR registry, a VPC endpoint, a proxy).
    public let endpoint: URL
    public let http: any HTTPClient
    public let authorizer: any RegistryAuthorizer
    /// Blobs up to this size go in one PUT; larger ones in PATCH parts of this size (ECR
    /// wants every part but the last ≥ 5 MiB and documents 10 MiB as the largest).
    public var chunkSize: Int64 = 8 << 20
    /// Upload sessions tried for one blob before giving up (a broken session is abandoned,
    /// never resumed: ECR's `Range` answers are not reliable).
    public var uploadSessions = 5
    /// Told after each part of a blob sent in parts: the blob, and its bytes sent so far.
    public var partSent: (@Sendable (Digest, Int64) -> Void)?

    public init(endpoint: URL, http: any HTTPClient, authorizer: any RegistryAuthorizer) {
        self.endpoint = endpoint
        self.http = http
        self.authorizer = authorizer
    }

    /// The registry as messages name it: host and port.
    public var host: String {
        endpoint.host.map { host in endpoint.port.map { "\(host):\($0)" } ?? host } ?? endpoint.absoluteString
    }

    /// `endpoint` + `path` (`/v2/…`).
    func url(_ path: String) -> URL {
        URL(string: endpoint.absoluteString.trimmingSuffix("/") + path)!
    }

    /// Sends `request` with credentials (when it goes to the registry's origin), once more
    /// with fresh ones after a 401; a 401 or 403 after that is ``RegistryError/unauthorized``.
    ///
    /// With `sink`, a successful answer's body goes there instead of memory.
    func send(_ request: HTTPRequest, operation: String, sink: (any ResponseBodySink)? = nil) async throws -> HTTPResponse {
        var request = request
        let authorized = isSameOrigin(request.url)
        let execute = { [http] (request: HTTPRequest) async throws -> HTTPResponse in
            if let sink { return try await http.execute(request, streamingTo: sink) }
            return try await http.execute(request)
        }
        if authorized, let header = try await authorizer.authorization() { request.headers.set("Authorization", header) }
        var response = try await execute(request)
        if response.status == 401, authorized, let header = try await authorizer.authorization(answering: response.headers["WWW-Authenticate"]) {
            request.headers.set("Authorization", header)
            response = try await execute(request)
        }
        if response.status == 401 || response.status == 403 {
            let (code, message) = RegistryErrorBody.summary(of: response.body)
            throw RegistryError.unauthorized(
                registry: host, operation: operation, status: response.status,
                detail: [code, message.isEmpty ? nil : message].compactMap { $0 }.joined(separator: ": "))
        }
        return response
    }

    /// The error for an answer `operation` did not expect.
    func failure(_ response: HTTPResponse, operation: String) -> RegistryError {
        let (code, message) = RegistryErrorBody.summary(of: response.body)
        return .unexpectedAnswer(registry: host, operation: operation, status: response.status, code: code, detail: message)
    }

    /// An upload `Location`, relative or absolute, as a URL; only http(s).
    func resolve(location: String?, operation: String) throws -> URL {
        guard let location, !location.isEmpty,
              let url = URL(string: location, relativeTo: endpoint)?.absoluteURL,
              url.scheme == "https" || url.scheme == "http" else {
            throw RegistryError.invalidLocation(registry: host, detail: "\(operation): the answer has no usable Location header")
        }
        return url
    }

    func isSameOrigin(_ url: URL) -> Bool {
        url.scheme?.lowercased() == endpoint.scheme?.lowercased()
            && url.host?.lowercased() == endpoint.host?.lowercased()
            && Self.port(of: url) == Self.port(of: endpoint)
    }

    private static func port(of url: URL) -> Int? {
        url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
