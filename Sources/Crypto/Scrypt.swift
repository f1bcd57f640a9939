import COpenSSL

/// scrypt (RFC 7914) through OpenSSL.
public enum Scrypt {
    /// Derives `length` bytes from `passphrase` and `salt`.
    /// - Throws: ``CryptoError/library(_:)`` when OpenSSL refuses the parameters.
    public static func derive(
        passphrase: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int
    ) throws -> [UInt8] {
        var key = [UInt8](repeating: 0, count: length)
        // 128·r·N bytes are needed; allow that and a little more, never an attacker's choice
        // (callers accept only fixed parameter sets).
        let memory = 128 * r * n + 1024 * 1024
        let ok = passphrase.withUnsafeBufferPointer { pass in
            salt.withUnsafeBufferPointer { salt in
                EVP_PBE_scrypt(
                    pass.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, pass.count,
                    salt.baseAddress, salt.count, n, r, p, memory, &key, length)
            }
        }
        guard ok == 1 else { throw CryptoError.library("scrypt with N=\(n) r=\(r) p=\(p) failed") }
        return key
    }
}
