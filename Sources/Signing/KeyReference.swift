import Foundation

/// Where a signing or verification key is: a file, or an AWS KMS key in cosign's URI form.
public enum KeyReference: Equatable, Sendable {
    case file(String)
    /// `awskms:///KEY` (the default endpoint) or `awskms://HOST[:PORT]/KEY` (another
    /// endpoint, as cosign allows); KEY is an alias (`alias/NAME`), a key id or an ARN.
    case kms(keyID: String, endpoint: String?)

    public init(parsing text: String) throws {
        guard text.hasPrefix("awskms://") else {
            guard !text.isEmpty else { throw SigningError.key("an empty key reference") }
            self = .file(text)
            return
        }
        let rest = text.dropFirst("awskms://".count)
        guard let slash = rest.firstIndex(of: "/") else {
            throw SigningError.key("'\(text)' is not awskms:///alias/NAME, awskms:///arn:… or awskms://HOST/KEY")
        }
        let host = String(rest[..<slash])
        let key = String(rest[rest.index(after: slash)...])
        guard !key.isEmpty, key.allSatisfy({ !$0.isWhitespace }) else {
            throw SigningError.key("'\(text)' names no KMS key")
        }
        self = .kms(keyID: key, endpoint: host.isEmpty ? nil : host)
    }
}
