import Foundation
import StreamIO

/// The body of a request. Every kind can be sent again from the start, so a request can be
/// retried.
public enum HTTPBody: Sendable {
    case empty
    case bytes([UInt8])
    /// A range of a file, read as it is sent (never loaded into memory).
    case file(path: String, offset: Int64, length: Int64)
    /// A stream made anew for each attempt; `length` nil sends it chunked.
    case stream(length: Int64?, make: @Sendable () throws -> any ByteSource)

    /// The length when known in advance.
    public var length: Int64? {
        switch self {
        case .empty: return 0
        case .bytes(let bytes): return Int64(bytes.count)
        case .file(_, _, let length): return length
        case .stream(let length, _): return length
        }
    }
}

/// An HTTP request.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: HTTPHeaders
    public var body: HTTPBody
    /// Whether sending the request twice is harmless; only such requests are retried after
    /// the server may have seen them. Defaults to true for GET, HEAD, PUT, DELETE, OPTIONS.
    public var isIdempotent: Bool
    /// Follow redirects (GET and HEAD only; credentials are not sent to other hosts).
    public var followsRedirects = false

    public init(method: String, url: URL, headers: HTTPHeaders = HTTPHeaders(), body: HTTPBody = .empty) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.isIdempotent = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].contains(method)
    }
}

/// An HTTP response with its body in memory (bounded by the client's limit).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Receives a response body as it arrives (downloads of any size in bounded memory).
///
/// An attempt that fails part-way is retried from the start: ``reset()`` is called before
/// every attempt, so the sink can truncate what it wrote.
public protocol ResponseBodySink: AnyObject, Sendable {
    func reset() throws
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Sends HTTP requests. The registry and AWS clients are written against this protocol,
/// never against libcurl.
public protocol HTTPClient: Sendable {
    /// Sends `request` and returns the final response whatever its status (a decorator
    /// such as ``RetryingHTTPClient`` may have tried more than once).
    func execute(_ request: HTTPRequest) async throws -> HTTPResponse

    /// Like ``execute(_:)``, but a successful (2xx) response's body goes to `sink` instead
    /// of memory; the returned response's body is empty then. Error bodies stay in memory.
    func execute(_ request: HTTPRequest, streamingTo sink: any ResponseBodySink) async throws -> HTTPResponse
}
