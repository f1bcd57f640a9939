import COpenSSL

/// An ECDSA P-256 public key: reads and writes SubjectPublicKeyInfo (PEM `PUBLIC KEY`, as
/// `cosign.pub` holds, or DER, as KMS GetPublicKey returns), verifies SHA-256 signatures.
public final class ECDSAPublicKey: @unchecked Sendable {
    let key: OpaquePointer

    init(owning key: OpaquePointer) { self.key = key }

    deinit { EVP_PKEY_free(key) }

    /// A key from SubjectPublicKeyInfo DER.
    public convenience init(spkiDER: [UInt8]) throws {
        let key = try spkiDER.withUnsafeBufferPointer { buffer -> OpaquePointer in
            var cursor = buffer.baseAddress
            guard let key = d2i_PUBKEY(nil, &cursor, buffer.count) else {
                ERR_clear_error()
                throw CryptoError.malformedKey("not a DER SubjectPublicKeyInfo")
            }
            return key
        }
        self.init(owning: key)
        try OpenSSLKey.requireP256(key, what: "the public key")
    }

    /// A key from a PEM `PUBLIC KEY` block.
    public convenience init(pem: String) throws {
        let block = try PEM.firstBlock(in: pem)
        guard block.label == "PUBLIC KEY" else {
            throw CryptoError.unsupportedKey("a '\(block.label)' PEM block where a PUBLIC KEY was expected")
        }
        try self.init(spkiDER: block.bytes)
    }

    /// SubjectPublicKeyInfo DER.
    public func spkiDER() throws -> [UInt8] {
        try OpenSSLKey.der("the public key") { i2d_PUBKEY(key, $0) }
    }

    /// The key as PEM `PUBLIC KEY`, as cosign writes `cosign.pub`.
    public func pem() throws -> String {
        PEM.encode(PEM.Block(label: "PUBLIC KEY", bytes: try spkiDER()))
    }

    /// Whether `signature` (ASN.1 DER ECDSA) signs SHA-256 of `message` under this key.
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else {
            ERR_clear_error()
            return false
        }
        let result = EVP_DigestVerify(context, signature, signature.count, message, message.count)
        ERR_clear_error()
        return result == 1
    }
}
