import Foundation

/// cosign's encrypted private key file (`cosign generate-key-pair`): a PEM block
/// `ENCRYPTED SIGSTORE PRIVATE KEY` whose bytes are the JSON envelope of
/// go-securesystemslib's `encrypted` package: scrypt derives a 32-byte key from the
/// passphrase, NaCl secretbox seals the PKCS#8 DER of the P-256 key.
///
/// Only the three scrypt parameter sets that package writes are accepted, so a hostile file
/// cannot make us allocate gigabytes.
public enum CosignKeyFile {
    public static let label = "ENCRYPTED SIGSTORE PRIVATE KEY"
    /// What cosign 1.x wrote.
    public static let legacyLabel = "ENCRYPTED COSIGN PRIVATE KEY"

    /// (N, r, p): go-securesystemslib's Legacy (cosign's default), Standard and OWASP.
    static let allowedParameters: [(n: UInt64, r: UInt64, p: UInt64)] = [(32768, 8, 1), (65536, 8, 1), (131072, 8, 1)]

    struct Envelope: Decodable {
        struct KDF: Decodable {
            struct Parameters: Decodable {
                var N: UInt64
                var r: UInt64
                var p: UInt64
            }
            var name: String
            var params: Parameters
            var salt: String
        }
        struct Cipher: Decodable {
            var name: String
            var nonce: String
        }
        var kdf: KDF
        var cipher: Cipher
        var ciphertext: String
    }

    /// The envelope around `plaintext`, sealed with `passphrase` (scrypt N=32768, r=8, p=1,
    /// as cosign writes).
    public static func encrypt(_ plaintext: [UInt8], passphrase: [UInt8]) throws -> [UInt8] {
        let salt = try SecureRandom.bytes(32)
        let nonce = try SecureRandom.bytes(SecretBox.nonceSize)
        var key = try Scrypt.derive(passphrase: passphrase, salt: salt, n: 32768, r: 8, p: 1, length: SecretBox.keySize)
        defer { wipe(&key) }
        let box = try SecretBox.seal(plaintext, nonce: nonce, key: key)
        // Field order as Go's encoding/json writes the envelope; every value is base64 or a number.
        let json = #"{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"\#(Data(salt).base64EncodedString())"},"#
            + #""cipher":{"name":"nacl/secretbox","nonce":"\#(Data(nonce).base64EncodedString())"},"#
            + #""ciphertext":"\#(Data(box).base64EncodedString())"}"#
        return Array(json.utf8)
    }

    /// The plaintext of an envelope. Wipe it when done.
    public static func decrypt(_ envelopeBytes: [UInt8], passphrase: [UInt8]) throws -> [UInt8] {
        guard envelopeBytes.count <= 64 * 1024 else { throw CryptoError.malformedKey("the cosign key envelope is over 64 KiB") }
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(envelopeBytes))
        } catch {
            throw CryptoError.malformedKey("the cosign key envelope is not the JSON cosign writes")
        }
        guard envelope.kdf.name == "scrypt", envelope.cipher.name == "nacl/secretbox" else {
            throw CryptoError.unsupportedKey("a cosign key envelope with kdf '\(envelope.kdf.name.prefix(20))' and cipher '\(envelope.cipher.name.prefix(20))' (scrypt and nacl/secretbox are read)")
        }
        let parameters = envelope.kdf.params
        guard allowedParameters.contains(where: { $0 == (parameters.N, parameters.r, parameters.p) }) else {
            throw CryptoError.unsupportedKey("unsupported scrypt parameters N=\(parameters.N) r=\(parameters.r) p=\(parameters.p)")
        }
        guard let salt = Data(base64Encoded: envelope.kdf.salt), let nonce = Data(base64Encoded: envelope.cipher.nonce),
              let box = Data(base64Encoded: envelope.ciphertext) else {
            throw CryptoError.malformedKey("the cosign key envelope holds invalid base64")
        }
        var key = try Scrypt.derive(
            passphrase: passphrase, salt: [UInt8](salt), n: parameters.N, r: parameters.r, p: parameters.p,
            length: SecretBox.keySize)
        defer { wipe(&key) }
        guard let plaintext = try SecretBox.open([UInt8](box), nonce: [UInt8](nonce), key: key) else {
            throw CryptoError.wrongPassphrase("the cosign key")
        }
        return plaintext
    }

    /// A cosign key file (PEM text) for `key`.
    public static func pem(for key: ECDSAPrivateKey, passphrase: [UInt8]) throws -> String {
        var der = try key.pkcs8DER()
        defer { wipe(&der) }
        return PEM.encode(PEM.Block(label: label, bytes: try encrypt(der, passphrase: passphrase)))
    }
}
