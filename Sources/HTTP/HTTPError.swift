import Foundation

/// Failures below HTTP: no response was received, or it could not be read.
public enum HTTPError: Error, Equatable, CustomStringConvertible {
    /// The transfer failed (connection refused, TLS, timeout, reset). `code` is libcurl's.
    case transport(code: Int, message: String, url: String)
    /// The response body was larger than the client accepts.
    case bodyTooLarge(limit: Int, url: String)
    /// The request body could not be read.
    case bodySource(String)
    /// The URL is not http or https.
    case unsupportedURL(String)

    public var description: String {
        switch self {
        case .transport(_, let message, let url):
            return "request to \(url) failed: \(message)"
        case .bodyTooLarge(let limit, let url):
            return "the response from \(url) is larger than \(limit) bytes"
        case .bodySource(let detail):
            return "cannot read the request body: \(detail)"
        case .unsupportedURL(let url):
            return "unsupported URL \(url): only http and https are supported"
        }
    }

    /// Whether trying again may succeed (connection-level trouble, timeouts).
    public var isTransient: Bool {
        guard case .transport(let code, _, _) = self else { return false }
        // couldn't resolve / connect, partial file, HTTP/2 framing, timeout, TLS connect,
        // got nothing, send / receive error, a reset mid-upload that libcurl could not rewind
        // from (a new attempt sends the body anew), HTTP/2 stream error.
        return [6, 7, 16, 18, 28, 35, 52, 55, 56, 65, 92].contains(code)
    }
}

/// URLs as they may appear in messages: scheme, host, port and path only. Query strings
/// (presigned URLs carry credentials there) and user info are never shown.
public enum RedactedURL {
    public static func describe(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(invalid URL)" }
        components.user = nil
        components.password = nil
        let hadQuery = components.query != nil
        components.query = nil
        components.fragment = nil
        return (components.string ?? "(invalid URL)") + (hadQuery ? "?…" : "")
    }
}
