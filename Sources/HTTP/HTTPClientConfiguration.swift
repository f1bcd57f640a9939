/// Settings of ``CurlHTTPClient``.
public struct HTTPClientConfiguration: Sendable {
    /// A PEM bundle of CA certificates to trust instead of the system's (`--ca-file`).
    /// When nil, `SSL_CERT_FILE` and then `CURL_CA_BUNDLE` are honoured.
    public var caFile: String?
    public var connectTimeout: Duration = .seconds(15)
    /// A transfer that moves less than one byte a second for this long is abandoned.
    public var stallTimeout: Duration = .seconds(60)
    public var userAgent = "ecr-publish"
    /// Largest response body held in memory.
    public var maxResponseBody = 32 << 20

    public init() {}

    /// The CA bundle to use: the explicit one, else the standard environment variables.
    public func resolvedCAFile(environment: [String: String]) -> String? {
        if let caFile, !caFile.isEmpty { return caFile }
        for name in ["SSL_CERT_FILE", "CURL_CA_BUNDLE"] {
            if let value = environment[name], !value.isEmpty { return value }
        }
        return nil
    }
}
