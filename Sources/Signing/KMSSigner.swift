import AWS
import Crypto

/// Signs with an AWS KMS key (`awskms:///alias/NAME` or `awskms:///arn:…`): KMS `Sign` with
/// ECDSA_SHA_256; the public key from `GetPublicKey`. Keys other than ECC_NIST_P256 are
/// refused, since cosign's verifiers expect P-256 for these signatures.
public struct KMSSigner: ImageSigner {
    let client: KMSClient
    let keyID: String

    public init(client: KMSClient, keyID: String) {
        self.client = client
        self.keyID = keyID
    }

    public func sign(_ message: [UInt8]) async throws -> [UInt8] {
        try await client.sign(keyID: keyID, message: message)
    }

    public func publicKey() async throws -> ECDSAPublicKey {
        let (der, keySpec) = try await client.getPublicKey(keyID: keyID)
        let advice = "create one with --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY"
        if let keySpec, keySpec != "ECC_NIST_P256" {
            throw SigningError.key("KMS key \(keyID) is \(keySpec), not ECC_NIST_P256; \(advice)")
        }
        do {
            return try ECDSAPublicKey(spkiDER: der)
        } catch let error as CryptoError {
            throw SigningError.key("KMS key \(keyID): \(error); \(advice)")
        }
    }
}
