import COpenSSL

/// An ECDSA P-256 private key held by OpenSSL: generated, or read from PKCS#8 (plain or
/// passphrase-encrypted PEM), SEC1 `EC PRIVATE KEY` PEM, or cosign's encrypted format
/// (``CosignKeyFile``). Signs SHA-256 of a message, ASN.1 DER out, as cosign does.
public final class ECDSAPrivateKey: @unchecked Sendable {
    private let key: OpaquePointer

    private init(owning key: OpaquePointer) { self.key = key }

    deinit { EVP_PKEY_free(key) }

    /// A new random key.
    public static func generate() throws -> ECDSAPrivateKey {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else { throw CryptoError.library("EVP_PKEY_CTX_new_id failed") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
              EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1) == 1,
              EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw CryptoError.library("P-256 key generation failed")
        }
        return ECDSAPrivateKey(owning: key)
    }

    /// A key from PKCS#8 `PrivateKeyInfo` DER (what cosign's encrypted format wraps).
    public convenience init(pkcs8DER: [UInt8]) throws {
        let key = try pkcs8DER.withUnsafeBufferPointer { buffer -> OpaquePointer in
            var cursor = buffer.baseAddress
            guard let info = d2i_PKCS8_PRIV_KEY_INFO(nil, &cursor, buffer.count) else {
                ERR_clear_error()
                throw CryptoError.malformedKey("not a PKCS#8 private key")
            }
            defer { PKCS8_PRIV_KEY_INFO_free(info) }
            guard let key = EVP_PKCS82PKEY(info) else {
                ERR_clear_error()
                throw CryptoError.malformedKey("the PKCS#8 structure holds no usable key")
            }
            return key
        }
        self.init(owning: key)
        try OpenSSLKey.requireP256(key, what: "the private key")
    }

    /// Whether the key in `pem` needs a passphrase to be read (cosign's format, encrypted PKCS#8).
    /// - Throws: ``CryptoError`` when `pem` holds no PEM block.
    public static func needsPassphrase(pem: String) throws -> Bool {
        [CosignKeyFile.label, CosignKeyFile.legacyLabel, "ENCRYPTED PRIVATE KEY"].contains(try PEM.firstBlock(in: pem).label)
    }

    /// A key from PEM: `PRIVATE KEY` (PKCS#8), `ENCRYPTED PRIVATE KEY` (PKCS#8 with a
    /// passphrase), `EC PRIVATE KEY` (SEC1), or cosign's `ENCRYPTED SIGSTORE PRIVATE KEY`.
    public convenience init(pem: String, passphrase: () throws -> [UInt8]) throws {
        let block = try PEM.firstBlock(in: pem)
        switch block.label {
        case CosignKeyFile.label, CosignKeyFile.legacyLabel:
            var password = try passphrase()
            defer { wipe(&password) }
            var der = try CosignKeyFile.decrypt(block.bytes, passphrase: password)
            defer { wipe(&der) }
            try self.init(pkcs8DER: der)
        case "PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
            var password = block.label == "ENCRYPTED PRIVATE KEY" ? try passphrase() : []
            defer { wipe(&password) }
            password.append(0)
            let key = try OpenSSLKey.withReadBIO(Array(pem.utf8)) { bio -> OpaquePointer in
                let read = password.withUnsafeMutableBytes { PEM_read_bio_PrivateKey(bio, nil, nil, $0.baseAddress) }
                guard let read else {
                    ERR_clear_error()
                    if block.label == "ENCRYPTED PRIVATE KEY" { throw CryptoError.wrongPassphrase("the PKCS#8 key") }
                    throw CryptoError.malformedKey("the \(block.label) block cannot be read")
                }
                return read
            }
            self.init(owning: key)
            try OpenSSLKey.requireP256(key, what: "the private key")
        default:
            throw CryptoError.unsupportedKey("a '\(block.label)' PEM block; give a cosign key (ENCRYPTED SIGSTORE PRIVATE KEY), PKCS#8 (PRIVATE KEY, ENCRYPTED PRIVATE KEY) or SEC1 (EC PRIVATE KEY)")
        }
    }

    /// PKCS#8 `PrivateKeyInfo` DER. Wipe it when done.
    public func pkcs8DER() throws -> [UInt8] {
        guard let info = EVP_PKEY2PKCS8(key) else { throw CryptoError.library("EVP_PKEY2PKCS8 failed") }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        return try OpenSSLKey.der("the private key") { i2d_PKCS8_PRIV_KEY_INFO(info, $0) }
    }

    /// The matching public key.
    public func publicKey() throws -> ECDSAPublicKey {
        let der = try OpenSSLKey.written { PEM_write_bio_PUBKEY($0, key) }
        return try ECDSAPublicKey(pem: String(decoding: der, as: UTF8.self))
    }

    /// ECDSA over SHA-256 of `message`, ASN.1 DER.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.library("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(context) }
        var length = 0
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1,
              EVP_DigestSign(context, nil, &length, message, message.count) == 1 else {
            ERR_clear_error()
            throw CryptoError.library("ECDSA signing could not start")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
            ERR_clear_error()
            throw CryptoError.library("ECDSA signing failed")
        }
        return Array(signature.prefix(length))
    }
}
