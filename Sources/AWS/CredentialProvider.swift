import Foundation

/// Where API clients get credentials from.
public protocol CredentialProvider: Sendable {
    /// Valid credentials, refreshed before they expire.
    func credentials() async throws -> AWSCredentials
}

/// Fixed credentials (tests, or keys resolved elsewhere).
public struct StaticCredentialProvider: CredentialProvider {
    public let value: AWSCredentials
    public init(_ value: AWSCredentials) { self.value = value }
    public func credentials() async throws -> AWSCredentials { value }
}

/// One place credentials can come from, in the chain.
public protocol CredentialSource: Sendable {
    /// Short name for messages (`environment`, `profile ci`, …).
    var name: String { get }
    /// The credentials, or nil with the reason when this source is not configured. Throws
    /// when the source is configured but fails (a refused role, an unreadable file).
    func resolve() async throws -> CredentialResolution
}

public enum CredentialResolution: Sendable {
    case found(AWSCredentials)
    case notConfigured(String)
}

/// Errors finding credentials. Never carry secret values.
public enum CredentialError: Error, Equatable, CustomStringConvertible {
    /// No source had credentials; each entry says where we looked and why it gave none.
    case notFound(lookedIn: [String])
    /// A source is configured but broken.
    case invalid(source: String, detail: String)

    public var description: String {
        switch self {
        case .notFound(let places):
            return "no AWS credentials found. Looked in, in order:\n"
                + places.map { "  - \($0)" }.joined(separator: "\n")
                + "\nSet AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, configure a profile (AWS_PROFILE), or use OIDC (AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE)."
        case .invalid(let source, let detail):
            return "AWS credentials from \(source): \(detail)"
        }
    }
}

/// Tries sources in order, caches what it found, and refreshes temporary credentials five
/// minutes before they expire.
public actor CredentialChain: CredentialProvider {
    private let sources: [any CredentialSource]
    private let refreshMargin: TimeInterval
    private var cached: (credentials: AWSCredentials, source: any CredentialSource)?

    public init(sources: [any CredentialSource], refreshMargin: TimeInterval = 300) {
        self.sources = sources
        self.refreshMargin = refreshMargin
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached, !cached.credentials.expires(within: refreshMargin) { return cached.credentials }
        if let cached, case .found(let fresh) = try await cached.source.resolve() {
            self.cached = (fresh, cached.source)
            return fresh
        }
        var lookedIn: [String] = []
        for source in sources {
            switch try await source.resolve() {
            case .found(let credentials):
                cached = (credentials, source)
                return credentials
            case .notConfigured(let reason):
                lookedIn.append("\(source.name): \(reason)")
            }
        }
        throw CredentialError.notFound(lookedIn: lookedIn)
    }
}
