import AWS
import HTTP

/// How to reach AWS: region, profile, CA bundle. Credentials come from the standard chain.
public struct AWSSettings: Sendable {
    public var region: String?
    public var profile: String?
    /// PEM CA bundle for every HTTPS connection (`--ca-file`).
    public var caFile: String?

    public init() {}

    /// The context every AWS client of the run shares.
    public func context(environment: AWSEnvironment = AWSEnvironment()) throws -> AWSContext {
        try AWSContext(region: region, profile: profile, httpConfiguration: httpConfiguration(), environment: environment)
    }

    /// The HTTP settings of every client of the run (AWS APIs and the registry).
    public func httpConfiguration() -> HTTPClientConfiguration {
        var http = HTTPClientConfiguration()
        http.caFile = caFile
        http.userAgent = "ecr-publish/\(ECRPublishVersion.current)"
        return http
    }
}

/// The version reported in User-Agent, SBOMs and `--version`.
public enum ECRPublishVersion {
    public static let current = "0.1.0"
}
