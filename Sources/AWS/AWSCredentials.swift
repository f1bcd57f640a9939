import Foundation

/// An AWS access key, with a session token for temporary credentials.
///
/// `description` never shows the secret or the token, so credentials cannot leak through
/// string interpolation or logging.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?
    /// Where they came from (`environment`, `profile default`, `web identity`, …), for messages.
    public var source: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil,
                expiration: Date? = nil, source: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    /// Whether the credentials expire within `margin` from `now`.
    public func expires(within margin: TimeInterval, now: Date = Date()) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) < margin
    }

    public var description: String {
        "AWSCredentials(\(AWSCredentials.maskedKeyID(accessKeyID)) from \(source))"
    }

    public var debugDescription: String { description }

    /// `AKIA…WXYZ`: enough to recognise a key, never enough to use it.
    public static func maskedKeyID(_ id: String) -> String {
        id.count > 8 ? "\(id.prefix(4))…\(id.suffix(4))" : "…"
    }
}
