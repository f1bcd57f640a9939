import Foundation

/// A user name and secret for a registry (from `docker login`'s config file or a credential
/// helper). Never printed: messages name only where they came from.
public struct RegistryCredentials: Sendable {
    public var username: String
    public var secret: String
    /// Where they came from, for messages (`~/.docker/config.json`, `docker-credential-pass`).
    public var source: String

    public init(username: String, secret: String, source: String) {
        self.username = username
        self.secret = secret
        self.source = source
    }

    /// Docker's marker for an OAuth refresh token rather than a password.
    public var isIdentityToken: Bool { username == "<token>" }

    var basicHeader: String {
        "Basic " + Data("\(username):\(secret)".utf8).base64EncodedString()
    }
}
