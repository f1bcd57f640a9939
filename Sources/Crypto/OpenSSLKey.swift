import COpenSSL

/// Shared OpenSSL plumbing for the key types: memory BIOs and the P-256 check.
enum OpenSSLKey {
    /// Runs `body` with a read-only memory BIO over `bytes`.
    static func withReadBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
                throw CryptoError.library("BIO_new_mem_buf failed")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Runs `write` against a fresh memory BIO and returns what it wrote.
    static func written(_ write: (OpaquePointer) -> Int32) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.library("BIO_new failed") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw CryptoError.library("writing a key failed") }
        var bytes = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
        let n = BIO_read(bio, &bytes, Int32(bytes.count))
        guard n == bytes.count else { throw CryptoError.library("reading a memory BIO failed") }
        return bytes
    }

    /// DER from one of OpenSSL's `i2d_*` functions, called once for the length and once to write.
    static func der(_ what: String, _ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) throws -> [UInt8] {
        let length = encode(nil)
        guard length > 0 else { throw CryptoError.library("encoding \(what) failed") }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        try bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            guard encode(&cursor) == length else { throw CryptoError.library("encoding \(what) failed") }
        }
        return bytes
    }

    /// Refuses keys that are not ECDSA on P-256 (the only kind cosign's key-based flow and
    /// ecr-publish sign with).
    static func requireP256(_ key: OpaquePointer, what: String) throws {
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_EC else {
            throw CryptoError.unsupportedKey("\(what) is not an EC key; ecr-publish signs with ECDSA P-256 (cosign generate-key-pair, or ecr-publish generate-key-pair)")
        }
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1,
              String(decoding: name.prefix(length).map(UInt8.init(bitPattern:)), as: UTF8.self) == "prime256v1" else {
            throw CryptoError.unsupportedKey("\(what) is an EC key on another curve than P-256")
        }
    }
}
