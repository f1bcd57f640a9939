import Foundation

/// Failures talking to a registry. Messages name the registry and repository, never a
/// credential.
public enum RegistryError: Error, Equatable, CustomStringConvertible {
    /// The registry refused the credentials (401 after a fresh token) or the permission (403).
    case unauthorized(registry: String, operation: String, status: Int, detail: String)
    /// The registry answered something the operation cannot continue from.
    case unexpectedAnswer(registry: String, operation: String, status: Int, code: String?, detail: String)
    /// The registry says the uploaded bytes are not the digest we named.
    case digestMismatch(registry: String, digest: String, detail: String)
    /// The registry refused to overwrite a tag (ECR: `TAG_INVALID` in an immutable repository).
    case tagImmutable(registry: String, repository: String, tag: String, detail: String)
    /// A redirect or upload location points somewhere we will not go.
    case invalidLocation(registry: String, detail: String)
    /// The credentials for a registry that is not ECR could not be had (Docker config file,
    /// credential helper, token service).
    case credentials(registry: String, detail: String)

    public var description: String {
        switch self {
        case .unauthorized(let registry, let operation, let status, let detail):
            let what = status == 403 ? "refused the permission to" : "refused the credentials to"
            return "\(registry) \(what) \(operation) (HTTP \(status))\(detail.isEmpty ? "" : ": \(detail)"). "
                + "Check the credentials: for ECR, that the AWS credentials allow ecr:GetAuthorizationToken and the push actions on the repository; for another registry, its entry in the Docker config file or credential helper."
        case .unexpectedAnswer(let registry, let operation, let status, let code, let detail):
            return "\(registry): \(operation) failed with HTTP \(status)\(code.map { " \($0)" } ?? "")\(detail.isEmpty ? "" : ": \(detail)")"
        case .digestMismatch(let registry, let digest, let detail):
            return "\(registry) says the blob uploaded as \(digest) has another digest\(detail.isEmpty ? "" : " (\(detail))"); the upload was corrupted on the way. Run again."
        case .tagImmutable(let registry, let repository, let tag, let detail):
            return "\(registry)/\(repository): the tag \(tag) exists and the repository does not allow overwriting it\(detail.isEmpty ? "" : " (\(detail))")"
        case .invalidLocation(let registry, let detail):
            return "\(registry): \(detail)"
        case .credentials(let registry, let detail):
            return "no credentials for \(registry): \(detail). Log in with `docker login`, or fix the Docker config file."
        }
    }

    /// A refusal of the credentials or permissions: exit status 4.
    public var isAuthenticationFailure: Bool {
        switch self {
        case .unauthorized, .credentials: return true
        default: return false
        }
    }
}

/// The error body of the distribution spec: `{"errors":[{"code":…,"message":…}]}`.
struct RegistryErrorBody: Decodable {
    struct Entry: Decodable {
        var code: String?
        var message: String?
    }
    var errors: [Entry]?

    /// The first code and a one-line message, bounded, from a response body.
    static func summary(of body: [UInt8]) -> (code: String?, message: String) {
        guard let decoded = try? JSONDecoder().decode(RegistryErrorBody.self, from: Data(body)), let first = decoded.errors?.first else {
            let text = String(decoding: body.prefix(300), as: UTF8.self)
            return (nil, text.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces))
        }
        let message = (first.message ?? "").replacingOccurrences(of: "\n", with: " ")
        return (first.code, String(message.prefix(300)))
    }
}
