import Crypto
import Foundation
import HTTP

/// AWS KMS for signing with asymmetric keys: the private key never leaves KMS.
public struct KMSClient: Sendable {
    let client: AWSJSONClient

    public init(http: any HTTPClient, credentials: any CredentialProvider, region: String, endpoint: URL) {
        client = AWSJSONClient(
            http: http, credentials: credentials, region: region, endpoint: endpoint, signingName: "kms",
            targetPrefix: "TrentService", jsonVersion: "1.1", displayName: "KMS")
    }

    /// Signs `message` with ECDSA_SHA_256 (KMS hashes it with SHA-256); returns the DER
    /// signature. Messages over KMS's 4,096-byte limit for RAW are hashed here and sent as a
    /// DIGEST, which gives the same signature.
    public func sign(keyID: String, message: [UInt8], algorithm: String = "ECDSA_SHA_256") async throws -> [UInt8] {
        if message.count <= 4096 {
            return try await sign(keyID: keyID, payload: message, type: "RAW", algorithm: algorithm)
        }
        return try await sign(keyID: keyID, digest: SHA256Hasher.hash(message), algorithm: algorithm)
    }

    /// Signs a SHA-256 digest with ECDSA_SHA_256; returns the DER signature.
    /// (moto, the test stand-in, does not implement DIGEST: it signs the digest bytes as a
    /// message. Real KMS signs the digest.)
    public func sign(keyID: String, digest: [UInt8], algorithm: String = "ECDSA_SHA_256") async throws -> [UInt8] {
        try await sign(keyID: keyID, payload: digest, type: "DIGEST", algorithm: algorithm)
    }

    private func sign(keyID: String, payload: [UInt8], type: String, algorithm: String) async throws -> [UInt8] {
        struct Input: Encodable {
            var KeyId: String
            var Message: String
            var MessageType: String
            var SigningAlgorithm: String
        }
        struct Output: Decodable, Sendable { var Signature: String? }
        let output: Output = try await client.call("Sign", Input(
            KeyId: keyID, Message: Data(payload).base64EncodedString(), MessageType: type, SigningAlgorithm: algorithm))
        guard let signature = output.Signature.flatMap({ Data(base64Encoded: $0) }) else {
            throw AWSServiceError(service: "KMS", operation: "Sign", code: "InvalidResponse",
                                  message: "no signature in the answer", requestID: nil, status: 200)
        }
        return Array(signature)
    }

    /// The public key as DER SubjectPublicKeyInfo, with its key spec.
    public func getPublicKey(keyID: String) async throws -> (der: [UInt8], keySpec: String?) {
        struct Input: Encodable { var KeyId: String }
        struct Output: Decodable, Sendable { var PublicKey: String?; var KeySpec: String? }
        let output: Output = try await client.call("GetPublicKey", Input(KeyId: keyID))
        guard let key = output.PublicKey.flatMap({ Data(base64Encoded: $0) }) else {
            throw AWSServiceError(service: "KMS", operation: "GetPublicKey", code: "InvalidResponse",
                                  message: "no public key in the answer", requestID: nil, status: 200)
        }
        return (Array(key), output.KeySpec)
    }
}

