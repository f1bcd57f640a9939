/// Why a key could not be read, made or used. Messages name the file or the rule broken and
/// never carry key material or passphrases.
public enum CryptoError: Error, Equatable, CustomStringConvertible {
    /// The input is not in a key format ecr-publish reads.
    case unsupportedKey(String)
    /// The passphrase does not open the key (or the file was altered).
    case wrongPassphrase(String)
    /// The key file is malformed.
    case malformedKey(String)
    /// OpenSSL or libsodium failed where it should not.
    case library(String)

    public var description: String {
        switch self {
        case .unsupportedKey(let detail): return "unsupported key: \(detail)."
        case .wrongPassphrase(let what):
            return "cannot decrypt \(what): wrong passphrase (or the file was altered). Set COSIGN_PASSWORD to the key's passphrase."
        case .malformedKey(let detail): return "malformed key: \(detail)."
        case .library(let detail): return "cryptography library failure: \(detail)."
        }
    }
}
