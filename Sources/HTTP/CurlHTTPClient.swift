import CCurl
import Foundation
import StreamIO

/// ``HTTPClient`` on libcurl: connection reuse, HTTP/1.1, TLS verification with
/// an optional CA bundle, proxies from the standard environment variables (`https_proxy`,
/// `no_proxy`, …, read by libcurl) and timeouts. One attempt per request: retries are
/// ``RetryingHTTPClient``'s, wrapped around this client.
///
/// Transfers run on threads of their own, never on Swift's cooperative pool. Idle handles
/// (and their open connections) are kept for the next request.
public final class CurlHTTPClient: HTTPClient, @unchecked Sendable {
    public let configuration: HTTPClientConfiguration
    private let caFile: String?
    private let lock = NSLock()
    private var idleHandles: [UnsafeMutableRawPointer] = []

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) ; return () }()

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        _ = Self.globalInit
        self.configuration = configuration
        self.caFile = configuration.resolvedCAFile(environment: environment)
    }

    deinit {
        for handle in idleHandles { curl_easy_cleanup(handle) }
    }

    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await execute(request, sink: nil)
    }

    public func execute(_ request: HTTPRequest, streamingTo sink: any ResponseBodySink) async throws -> HTTPResponse {
        try await execute(request, sink: sink)
    }

    private func execute(_ request: HTTPRequest, sink: (any ResponseBodySink)?) async throws -> HTTPResponse {
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw HTTPError.unsupportedURL(RedactedURL.describe(request.url))
        }
        return try await Blocking.run { try self.perform(request, sink: sink) }
    }

    /// One attempt, blocking the calling thread.
    func perform(_ request: HTTPRequest, sink: (any ResponseBodySink)? = nil) throws -> HTTPResponse {
        let handle = takeHandle()
        var reusable = true
        defer { returnHandle(handle, reusable: reusable) }
        let transfer = try CurlTransfer(maxBody: configuration.maxResponseBody, body: request.body, sink: sink)
        defer { transfer.close() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }

        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        ccurl_setopt_string(handle, CURLOPT_URL, request.url.absoluteString)
        ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        ccurl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // HTTP/1.1, as botocore and Docker speak it: each transfer has a connection of its own
        // anyway (no multiplexing), and libcurl's HTTP/2 framing cost about 2.5 times the CPU of
        // HTTP/1.1 on a large upload (a 50 MB PATCH to distribution: 0.18 s against 0.07 s), a
        // tenth of a push's CPU on two cores.
        ccurl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, max(1, Self.milliseconds(configuration.stallTimeout) / 1000))
        ccurl_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent)
        try trustAnchors(handle, for: request.url)
        ccurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
        ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, userdata)
        ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback)
        ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, userdata)
        ccurl_setopt_callback(handle, CURLOPT_READFUNCTION, curlReadCallback)
        ccurl_setopt_pointer(handle, CURLOPT_READDATA, userdata)
        if request.followsRedirects && (request.method == "GET" || request.method == "HEAD") {
            ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
            ccurl_setopt_long(handle, CURLOPT_MAXREDIRS, 5)
        }
        configureMethod(handle, request)

        var headers = request.headers
        headers.set("Expect", "")  // no 100-continue round trip
        for field in headers {
            headerList = curl_slist_append(headerList, field.value.isEmpty ? "\(field.name):" : "\(field.name): \(field.value)")
        }
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)

        let code = curl_easy_perform(handle)
        if let failure = transfer.failure {
            reusable = false
            throw failure
        }
        if transfer.bodyOverflowed {
            reusable = false
            throw HTTPError.bodyTooLarge(limit: configuration.maxResponseBody, url: RedactedURL.describe(request.url))
        }
        guard code == CURLE_OK else {
            reusable = false
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            throw HTTPError.transport(
                code: Int(code.rawValue), message: Self.redact(message, url: request.url),
                url: RedactedURL.describe(request.url))
        }
        var status: Int = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status == 0 ? transfer.status : status, headers: transfer.headers, body: transfer.body)
    }

    /// The CA certificates an HTTPS request verifies its peer against: one store per file for
    /// the whole process (see ``ccurl_use_shared_ca_store``), so a new connection does not parse
    /// the bundle again; a TLS backend without that hook loads `caFile` per handle, as before.
    private func trustAnchors(_ handle: UnsafeMutableRawPointer, for url: URL) throws {
        guard url.scheme?.lowercased() == "https" else {
            if let caFile { ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile) }  // for a redirect to HTTPS
            return
        }
        let code = ccurl_use_shared_ca_store(handle, caFile)
        switch code {
        case CURLE_OK:
            return
        case CURLE_NOT_BUILT_IN:
            if let caFile { ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        case CURLE_SSL_CACERT_BADFILE:
            throw HTTPError.transport(
                code: Int(code.rawValue),
                message: "no CA certificate could be read from \(caFile ?? "libcurl's default CA bundle"): give a PEM bundle with --ca-file or SSL_CERT_FILE",
                url: RedactedURL.describe(url))
        default:
            throw HTTPError.transport(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)), url: RedactedURL.describe(url))
        }
    }

    private func configureMethod(_ handle: UnsafeMutableRawPointer, _ request: HTTPRequest) {
        let length = request.body.length.map { curl_off_t($0) } ?? -1
        switch request.method {
        case "GET":
            ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case "HEAD":
            ccurl_setopt_long(handle, CURLOPT_NOBODY, 1)
        case "POST":
            ccurl_setopt_long(handle, CURLOPT_POST, 1)
            ccurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, length)
        case "PUT":
            ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
            ccurl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, length)
        default:
            ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
            if case .empty = request.body {} else {
                ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
                ccurl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, length)
            }
        }
    }

    private func takeHandle() -> UnsafeMutableRawPointer {
        lock.lock()
        let handle = idleHandles.popLast()
        lock.unlock()
        if let handle {
            curl_easy_reset(handle)  // keeps live connections, DNS and TLS session caches
            return handle
        }
        return curl_easy_init()
    }

    private func returnHandle(_ handle: UnsafeMutableRawPointer, reusable: Bool) {
        guard reusable else {
            curl_easy_cleanup(handle)
            return
        }
        lock.lock()
        if idleHandles.count < 16 {
            idleHandles.append(handle)
            lock.unlock()
        } else {
            lock.unlock()
            curl_easy_cleanup(handle)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// libcurl's messages may quote the URL; never let a query string through.
    private static func redact(_ message: String, url: URL) -> String {
        guard let query = url.query, !query.isEmpty else { return message }
        return message.replacingOccurrences(of: query, with: "…")
    }
}
