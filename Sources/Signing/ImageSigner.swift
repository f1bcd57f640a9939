import Crypto

/// What signs payloads: a key file held in memory, or a KMS key that never leaves AWS. Both
/// give ECDSA P-256 over SHA-256, ASN.1 DER, as cosign's key-based flow expects.
public protocol ImageSigner: Sendable {
    /// The DER signature over SHA-256 of `message`.
    func sign(_ message: [UInt8]) async throws -> [UInt8]
    /// The public key verifiers need (`cosign.pub`).
    func publicKey() async throws -> ECDSAPublicKey
}

/// Signs with a private key read from a file.
public struct KeyFileSigner: ImageSigner {
    let key: ECDSAPrivateKey

    public init(key: ECDSAPrivateKey) { self.key = key }

    public func sign(_ message: [UInt8]) async throws -> [UInt8] { try key.sign(message) }
    public func publicKey() async throws -> ECDSAPublicKey { try key.publicKey() }
}
