import Foundation

/// The settings of an assumed role, checked before STS is asked (as botocore checks them):
/// a clear error here instead of a ValidationError from STS, and no request for a value AWS
/// would refuse.
enum RoleParameters {
    /// `role_session_name` / `AWS_ROLE_SESSION_NAME`: 2 to 64 of `A-Z a-z 0-9 _ + = , . @ -`;
    /// `ecr-publish-<unix time>` when not set.
    static func sessionName(_ configured: String?, source: String) throws -> String {
        guard let name = configured, !name.isEmpty else { return "ecr-publish-\(Int(Date().timeIntervalSince1970))" }
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_+=,.@-".unicodeScalars.contains($0)) }
        guard (2...64).contains(name.count), allowed else {
            throw CredentialError.invalid(
                source: source, detail: "the role session name must be 2 to 64 characters, each a letter, digit or one of _+=,.@-")
        }
        return name
    }

    /// `duration_seconds`: whole seconds, 900 to 43200; nil when not set.
    static func durationSeconds(_ configured: String?, source: String) throws -> Int? {
        guard let text = configured, !text.isEmpty else { return nil }
        guard let seconds = Int(text), (900...43200).contains(seconds) else {
            throw CredentialError.invalid(source: source, detail: "duration_seconds must be a whole number of seconds from 900 to 43200")
        }
        return seconds
    }
}
