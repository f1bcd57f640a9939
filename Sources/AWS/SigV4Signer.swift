import Crypto
import Foundation
import HTTP

/// AWS Signature Version 4 for header authentication.
///
/// Follows the specification and the public test suite (`Tests/Vectors/sigv4`): canonical
/// request, string to sign, derived signing key, `Authorization` header. S3 differs in two
/// ways, both options here: its paths are encoded once, not twice, and are not normalized,
/// and it signs the payload hash in `x-amz-content-sha256` (which may be
/// `UNSIGNED-PAYLOAD` for streamed uploads over TLS).
public struct SigV4Signer: Sendable {
    public struct Options: Sendable {
        /// Encode the (already encoded) path a second time: every service but S3.
        public var doubleEncodePath = true
        /// Remove `.`/`..` segments and repeated slashes: every service but S3.
        public var normalizePath = true
        /// Add and sign `x-amz-content-sha256` (S3, and the test suite's `sign_body`).
        public var signContentSHA256 = false
        /// Sign `X-Amz-Security-Token`; a few services want it added after signing.
        public var signSessionToken = true

        public init() {}

        /// S3's rules.
        public static var s3: Options {
            var options = Options()
            options.doubleEncodePath = false
            options.normalizePath = false
            options.signContentSHA256 = true
            return options
        }
    }

    /// The intermediate results, exposed for tests against the specification's vectors.
    public struct Signature: Sendable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        public var authorization: String
        /// Headers to add to the request (`X-Amz-Date`, the token, the payload hash) and
        /// `Authorization`.
        public var headers: [(name: String, value: String)]
    }

    /// The hash of an empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public var credentials: AWSCredentials
    public var region: String
    public var service: String
    public var options: Options

    public init(credentials: AWSCredentials, region: String, service: String, options: Options = Options()) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    /// Signs `request` in place: adds `X-Amz-Date`, the session token, the payload hash
    /// where required, and `Authorization`. `Host` comes from the URL.
    public func sign(_ request: inout HTTPRequest, payloadHash: String, date: Date = Date()) {
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        var headers = request.headers
        if headers["Host"] == nil, let host = components?.host {
            let port = components?.port.map { ":\($0)" } ?? ""
            headers.set("Host", host + port)
        }
        let path = components?.percentEncodedPath ?? "/"
        let result = signature(
            method: request.method, path: path.isEmpty ? "/" : path, query: components?.percentEncodedQuery ?? "",
            headers: headers, payloadHash: payloadHash, date: date)
        for header in result.headers { request.headers.set(header.name, header.value) }
        if request.headers["Host"] == nil, let host = headers["Host"] { request.headers.set("Host", host) }
    }

    /// Computes the signature of a request given its wire form: `path` and `query` exactly as
    /// sent (percent-encoded), every header that will be sent.
    public func signature(
        method: String, path: String, query: String, headers: HTTPHeaders, payloadHash: String, date: Date
    ) -> Signature {
        let timestamp = Self.timestamp(date)
        let day = String(timestamp.prefix(8))
        var signed = headers
        signed.set("X-Amz-Date", timestamp)
        var added: [(String, String)] = [("X-Amz-Date", timestamp)]
        if options.signContentSHA256 {
            signed.set("x-amz-content-sha256", payloadHash)
            added.append(("x-amz-content-sha256", payloadHash))
        }
        if let token = credentials.sessionToken, options.signSessionToken {
            signed.set("X-Amz-Security-Token", token)
            added.append(("X-Amz-Security-Token", token))
        }

        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(signed)
        let canonicalRequest = [
            method,
            canonicalPath(path),
            Self.canonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", timestamp, scope, SHA256Hasher.digest(Array(canonicalRequest.utf8)).hex,
        ].joined(separator: "\n")
        var key = HMACSHA256.authenticate(Array(day.utf8), key: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [region, service, "aws4_request"] { key = HMACSHA256.authenticate(Array(part.utf8), key: key) }
        let signature = Hex.encode(HMACSHA256.authenticate(Array(stringToSign.utf8), key: key))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        if let token = credentials.sessionToken, !options.signSessionToken {
            added.append(("X-Amz-Security-Token", token))
        }
        added.append(("Authorization", authorization))
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            authorization: authorization, headers: added)
    }

    // MARK: - Canonical forms

    func canonicalPath(_ path: String) -> String {
        var path = path.isEmpty ? "/" : path
        if options.normalizePath { path = Self.normalize(path) }
        return options.doubleEncodePath ? URIEncoding.encode(path, keepSlash: true) : path
    }

    /// Removes `.` and `..` segments and empty segments, keeping a trailing slash.
    static func normalize(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        var result = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && result != "/" { result += "/" }
        return result
    }

    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = URIEncoding.encode(URIEncoding.decode(String(parts[0])))
            let value = parts.count > 1 ? URIEncoding.encode(URIEncoding.decode(String(parts[1]))) : ""
            return (key, value)
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Lowercased names, sorted; values trimmed, inner whitespace runs collapsed, repeated
    /// headers joined with commas. Headers that proxies rewrite are left unsigned.
    static func canonicalHeaders(_ headers: HTTPHeaders) -> (String, String) {
        let unsigned: Set<String> = ["authorization", "user-agent", "expect", "x-amzn-trace-id", "transfer-encoding", "connection"]
        var grouped: [String: [String]] = [:]
        for field in headers {
            let name = field.name.lowercased()
            guard !unsigned.contains(name) else { continue }
            let value = field.value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                .joined(separator: " ")
            grouped[name, default: []].append(value)
        }
        let names = grouped.keys.sorted()
        let canonical = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }
}
