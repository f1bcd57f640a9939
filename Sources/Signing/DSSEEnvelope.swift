import Foundation

/// A DSSE envelope (secure-systems-lab/dsse v1): the signature covers the pre-authentication
/// encoding (PAE) of the payload type and the raw payload, never the JSON around them.
public struct DSSEEnvelope: Codable, Equatable, Sendable {
    public struct Signature: Codable, Equatable, Sendable {
        public var keyid: String
        public var sig: String
    }

    public var payloadType: String
    /// Base64 (standard alphabet) of the payload bytes.
    public var payload: String
    public var signatures: [Signature]

    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII decimal bytes.
    public static func preAuthenticationEncoding(payloadType: String, payload: [UInt8]) -> [UInt8] {
        Array("DSSEv1 \(payloadType.utf8.count) \(payloadType) \(payload.count) ".utf8) + payload
    }

    /// An envelope over `payload`, signed by `sign` (which gets the PAE bytes and returns a
    /// DER signature). cosign leaves `keyid` empty.
    public static func signed(
        payloadType: String = inTotoPayloadType, payload: [UInt8], keyID: String = "",
        sign: ([UInt8]) throws -> [UInt8]
    ) rethrows -> DSSEEnvelope {
        let signature = try sign(preAuthenticationEncoding(payloadType: payloadType, payload: payload))
        return DSSEEnvelope(
            payloadType: payloadType, payload: Data(payload).base64EncodedString(),
            signatures: [Signature(keyid: keyID, sig: Data(signature).base64EncodedString())])
    }

    /// An envelope over `payload`, signed by `signer` (a key file or KMS).
    public static func signed(payloadType: String = inTotoPayloadType, payload: [UInt8], by signer: any ImageSigner) async throws -> DSSEEnvelope {
        let signature = try await signer.sign(preAuthenticationEncoding(payloadType: payloadType, payload: payload))
        return DSSEEnvelope(
            payloadType: payloadType, payload: Data(payload).base64EncodedString(),
            signatures: [Signature(keyid: "", sig: Data(signature).base64EncodedString())])
    }

    /// The payload bytes, or nil when `payload` is not base64.
    public func payloadBytes() -> [UInt8]? { Data(base64Encoded: payload).map { [UInt8]($0) } }

    /// The envelope as cosign stores it: compact JSON, keys in this order.
    public func bytes() -> [UInt8] {
        let signatures = signatures.map { #"{"keyid":"# + JSONText.quoted($0.keyid) + #","sig":"# + JSONText.quoted($0.sig) + "}" }
        let json = #"{"payloadType":"# + JSONText.quoted(payloadType) + #","payload":"# + JSONText.quoted(payload)
            + #","signatures":["# + signatures.joined(separator: ",") + "]}"
        return Array(json.utf8)
    }
}
