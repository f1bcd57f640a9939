import Foundation

/// Supplies the `Authorization` header a registry takes. Sent up front on every request
/// (ECR answers no Bearer challenge; waiting for a 401 mid-upload wastes the upload).
public protocol RegistryAuthorizer: Sendable {
    /// The header value; `refresh` asks for new credentials after the registry refused the
    /// current ones.
    func authorization(refresh: Bool) async throws -> String
}

/// Fixed Basic credentials (a registry user and password).
public struct BasicAuthorizer: RegistryAuthorizer {
    private let header: String

    public init(username: String, password: String) {
        header = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    public func authorization(refresh: Bool) async throws -> String { header }
}
