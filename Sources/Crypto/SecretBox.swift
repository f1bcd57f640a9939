import CSodium

/// NaCl's secretbox (XSalsa20-Poly1305) through libsodium, in NaCl's combined layout: the
/// 16-byte authenticator, then the ciphertext (what Go's `nacl/secretbox.Seal` writes).
public enum SecretBox {
    public static let keySize = 32
    public static let nonceSize = 24

    public static func seal(_ message: [UInt8], nonce: [UInt8], key: [UInt8]) throws -> [UInt8] {
        try ready()
        guard nonce.count == nonceSize, key.count == keySize else {
            throw CryptoError.library("secretbox needs a 24-byte nonce and a 32-byte key")
        }
        var box = [UInt8](repeating: 0, count: message.count + Int(crypto_secretbox_macbytes()))
        guard crypto_secretbox_easy(&box, message, UInt64(message.count), nonce, key) == 0 else {
            throw CryptoError.library("crypto_secretbox_easy failed")
        }
        return box
    }

    /// The message, or nil when the authenticator does not match (wrong key, altered box).
    public static func open(_ box: [UInt8], nonce: [UInt8], key: [UInt8]) throws -> [UInt8]? {
        try ready()
        let macSize = Int(crypto_secretbox_macbytes())
        guard nonce.count == nonceSize, key.count == keySize, box.count >= macSize else { return nil }
        var message = [UInt8](repeating: 0, count: box.count - macSize)
        guard crypto_secretbox_open_easy(&message, box, UInt64(box.count), nonce, key) == 0 else { return nil }
        return message
    }

    private static func ready() throws {
        guard sodium_init() >= 0 else { throw CryptoError.library("libsodium could not initialise") }
    }
}
