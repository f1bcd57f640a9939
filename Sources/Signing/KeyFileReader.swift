import Crypto
import Foundation

/// Reads a private key file for signing: bounded in size, and with a warning when the file
/// can be read by its group or others (cosign keys are secrets even when encrypted).
public enum KeyFileReader {
    public static let maximumSize = 64 * 1024

    /// The key and, when the file's permissions are too open, a warning to show.
    public static func read(_ path: String, passphrase: () throws -> [UInt8]) throws -> (key: ECDSAPrivateKey, warning: String?) {
        let file = try load(path, passphrase: passphrase)
        return (try file.open(), file.warning)
    }

    /// The file read and, when it is encrypted, its passphrase asked for, but not yet
    /// decrypted: what can fail at once or needs the terminal happens here, the key
    /// derivation (scrypt for cosign's format: about 75 ms of CPU and 32 MiB) in
    /// ``SealedKeyFile/open()``, wherever the caller has CPU to spare.
    public static func load(_ path: String, passphrase: () throws -> [UInt8]) throws -> SealedKeyFile {
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
        return SealedKeyFile(pem: text, passphrase: try ECDSAPrivateKey.needsPassphrase(pem: text) ? passphrase() : [], warning: warning)
    }
}

/// A key file's text and passphrase, read, not yet opened (``KeyFileReader/load(_:passphrase:)``).
/// The passphrase is wiped when the value goes.
public final class SealedKeyFile: @unchecked Sendable {
    /// Set when the file's permissions are too open.
    public let warning: String?
    private let pem: String
    // Written only by deinit, once nothing else can read it.
    private var passphrase: [UInt8]

    init(pem: String, passphrase: [UInt8], warning: String?) {
        self.pem = pem
        self.passphrase = passphrase
        self.warning = warning
    }

    deinit { wipe(&passphrase) }

    /// The private key: a wrong passphrase or a malformed key fails here.
    public func open() throws -> ECDSAPrivateKey {
        try ECDSAPrivateKey(pem: pem) { passphrase }
    }
}
