import COpenSSL
import OCI

/// Incremental SHA-256 through OpenSSL's EVP interface (SHA-NI where the CPU has it).
///
/// Not thread-safe: one hasher belongs to one stream at a time.
public final class SHA256Hasher {
    private let context: OpaquePointer
    private var finished = false
    /// Bytes hashed so far.
    public private(set) var count: Int64 = 0

    public init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("OpenSSL could not initialise SHA-256; the libcrypto installation is broken")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the hash.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "update after finalize")
        guard bytes.count > 0, let base = bytes.baseAddress else { return }
        EVP_DigestUpdate(context, base, bytes.count)
        count += Int64(bytes.count)
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finishes the hash and returns the digest. The hasher cannot be used afterwards.
    public func finalize() -> Digest {
        // 32 bytes of lowercase hex is always a valid SHA-256 digest.
        Digest(algorithm: .sha256, hex: Hex.encode(finalizeBytes()))!
    }

    /// Finishes the hash and returns its 32 raw bytes. The hasher cannot be used afterwards.
    public func finalizeBytes() -> [UInt8] {
        precondition(!finished, "finalize called twice")
        finished = true
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &output, &length)
        return Array(output.prefix(Int(length)))
    }

    /// The raw SHA-256 hash of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        let hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalizeBytes()
    }

    /// The SHA-256 digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> Digest {
        let hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    public static func digest(_ bytes: UnsafeRawBufferPointer) -> Digest {
        let hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
