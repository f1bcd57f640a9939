import Foundation

/// Supplies the `Authorization` header a registry takes, to the registry's own origin only.
///
/// ECR's credentials go up front on every request (ECR answers no Bearer challenge; waiting
/// for a 401 mid-upload wastes the upload); other registries say what they want in the
/// `WWW-Authenticate` challenge of a 401 (Basic, or a Bearer token from a token service).
public protocol RegistryAuthorizer: Sendable {
    /// The header for a request before the registry has refused anything (nil: none yet).
    func authorization() async throws -> String?

    /// The header to send again after the registry answered 401 with `challenge` (its
    /// `WWW-Authenticate` header): fresh credentials, or nil when there are none to offer.
    func authorization(answering challenge: String?) async throws -> String?
}

/// Fixed Basic credentials (a registry user and password), sent up front.
public struct BasicAuthorizer: RegistryAuthorizer {
    private let header: String

    public init(username: String, password: String) {
        header = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    public func authorization() async throws -> String? { header }
    public func authorization(answering challenge: String?) async throws -> String? { header }
}
