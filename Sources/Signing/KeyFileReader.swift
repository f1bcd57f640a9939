import Crypto
import Foundation

/// Reads a private key file for signing: bounded in size, and with a warning when the file
/// can be read by its group or others (cosign keys are secrets even when encrypted).
public enum KeyFileReader {
    public static let maximumSize = 64 * 1024

    /// The key and, when the file's permissions are too open, a warning to show.
    public static func read(_ path: String, passphrase: () throws -> [UInt8]) throws -> (key: ECDSAPrivateKey, warning: String?) {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw SigningError.key("cannot read \(path): no such file or no permission")
        }
        guard (attributes[.size] as? Int ?? 0) <= maximumSize else {
            throw SigningError.key("\(path) is larger than \(maximumSize) bytes; it is not a key file")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SigningError.key("cannot read \(path) as a PEM text file")
        }
        let permissions = (attributes[.posixPermissions] as? Int) ?? 0
        let warning = permissions & 0o077 != 0
            ? "\(path) can be read by other users (mode \(String(permissions & 0o777, radix: 8))); chmod 600 it"
            : nil
        return (try ECDSAPrivateKey(pem: text, passphrase: passphrase), warning)
    }
}
