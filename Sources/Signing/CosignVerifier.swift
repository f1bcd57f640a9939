import Crypto
import Foundation
import OCI

/// Checks cosign artifacts the way `cosign verify --key` and `cosign verify-attestation`
/// do: each layer's payload must match its digest, be signed by the key, and name the
/// image's manifest digest and repository. One valid layer suffices; when none is, the
/// error gives the reason of the last layer tried.
public struct CosignVerifier: Sendable {
    public var key: ECDSAPublicKey
    /// The image's manifest digest.
    public var digest: Digest
    /// `<registry>/<repository>` the payload must name.
    public var identity: String

    public init(key: ECDSAPublicKey, digest: Digest, identity: String) {
        self.key = key
        self.digest = digest
        self.identity = identity
    }

    /// The simple-signing payloads of `manifest` that verify. `payload` fetches a blob.
    public func verifySignatures(_ manifest: ImageManifest, payload: (Digest) throws -> [UInt8]?) throws -> [[UInt8]] {
        var reason = Reason("the signature image has no layers")
        var valid: [[UInt8]] = []
        for layer in manifest.layers {
            var signedByKey = false
            do {
                let bytes = try checkedPayload(layer, mediaType: CosignArtifactKind.signature.layerMediaType, payload: payload)
                guard let encoded = layer.annotations?[CosignLayer.signatureAnnotation],
                      let signature = Data(base64Encoded: encoded), !signature.isEmpty else {
                    throw SigningError.verificationFailed("a signature layer has no \(CosignLayer.signatureAnnotation) annotation")
                }
                guard key.verify(signature: [UInt8](signature), message: bytes) else {
                    throw SigningError.verificationFailed("the signature does not verify with the given key")
                }
                signedByKey = true
                try checkClaims(bytes)
                valid.append(bytes)
            } catch let SigningError.verificationFailed(why) {
                reason.update(why, signedByKey: signedByKey)
            }
        }
        guard !valid.isEmpty else { throw SigningError.verificationFailed(reason.text) }
        return valid
    }

    /// The in-toto statements of `manifest` (DSSE layers) that verify, with `predicateType`.
    public func verifyAttestations(
        _ manifest: ImageManifest, predicateType: String, payload: (Digest) throws -> [UInt8]?
    ) throws -> [[UInt8]] {
        var reason = Reason("the attestation image has no layers")
        var valid: [[UInt8]] = []
        for layer in manifest.layers {
            var signedByKey = false
            do {
                let bytes = try checkedPayload(layer, mediaType: CosignArtifactKind.attestation.layerMediaType, payload: payload)
                guard let envelope = try? JSONDecoder().decode(DSSEEnvelope.self, from: Data(bytes)),
                      envelope.payloadType == DSSEEnvelope.inTotoPayloadType, let statement = envelope.payloadBytes() else {
                    throw SigningError.verificationFailed("an attestation layer is not a DSSE envelope of an in-toto statement")
                }
                let pae = DSSEEnvelope.preAuthenticationEncoding(payloadType: envelope.payloadType, payload: statement)
                guard envelope.signatures.contains(where: { signature in
                    Data(base64Encoded: signature.sig).map { key.verify(signature: [UInt8]($0), message: pae) } ?? false
                }) else {
                    throw SigningError.verificationFailed("the attestation's DSSE signature does not verify with the given key")
                }
                signedByKey = true
                try checkStatement(statement, predicateType: predicateType)
                valid.append(statement)
            } catch let SigningError.verificationFailed(why) {
                reason.update(why, signedByKey: signedByKey)
            }
        }
        guard !valid.isEmpty else { throw SigningError.verificationFailed(reason.text) }
        return valid
    }

    /// The reason to give when no layer verifies: a layer signed by the key but naming
    /// something else says more than another key's signature.
    private struct Reason {
        var text: String
        var fromKeysLayer = false

        init(_ text: String) { self.text = text }

        mutating func update(_ why: String, signedByKey: Bool) {
            guard signedByKey || !fromKeysLayer else { return }
            text = why
            fromKeysLayer = signedByKey
        }
    }

    private func checkedPayload(_ layer: Descriptor, mediaType: String, payload: (Digest) throws -> [UInt8]?) throws -> [UInt8] {
        guard layer.mediaType == mediaType else {
            throw SigningError.verificationFailed("a layer of type \(layer.mediaType) where \(mediaType) was expected")
        }
        guard let bytes = try payload(layer.digest), bytes.count <= CosignArtifactImage.maximumPayloadSize else {
            throw SigningError.verificationFailed("the payload \(layer.digest) is missing")
        }
        guard SHA256Hasher.digest(bytes) == layer.digest else {
            throw SigningError.verificationFailed("the payload does not match its digest \(layer.digest) (swapped or altered)")
        }
        return bytes
    }

    private func checkClaims(_ payload: [UInt8]) throws {
        struct Payload: Decodable {
            struct Critical: Decodable {
                struct Identity: Decodable { var dockerReference: String; enum CodingKeys: String, CodingKey { case dockerReference = "docker-reference" } }
                struct Image: Decodable { var digest: String; enum CodingKeys: String, CodingKey { case digest = "docker-manifest-digest" } }
                var identity: Identity
                var image: Image
                var type: String
            }
            var critical: Critical
        }
        guard let decoded = try? JSONDecoder().decode(Payload.self, from: Data(payload)) else {
            throw SigningError.verificationFailed("the signed payload is not a simple-signing payload")
        }
        guard decoded.critical.type == SimpleSigningPayload.type else {
            throw SigningError.verificationFailed("the payload's type is '\(decoded.critical.type.prefix(60))'")
        }
        guard decoded.critical.image.digest == digest.description else {
            throw SigningError.verificationFailed("the signature is for \(decoded.critical.image.digest.prefix(80)), not \(digest)")
        }
        guard decoded.critical.identity.dockerReference == identity else {
            throw SigningError.verificationFailed("the signature names '\(decoded.critical.identity.dockerReference.prefix(200))', not '\(identity)'")
        }
    }

    private func checkStatement(_ statement: [UInt8], predicateType: String) throws {
        struct Statement: Decodable {
            struct Subject: Decodable { var name: String; var digest: [String: String] }
            var _type: String
            var subject: [Subject]
            var predicateType: String
        }
        guard let decoded = try? JSONDecoder().decode(Statement.self, from: Data(statement)) else {
            throw SigningError.verificationFailed("the attested statement is not an in-toto statement")
        }
        guard ["https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1"].contains(decoded._type) else {
            throw SigningError.verificationFailed("the statement's _type is '\(decoded._type.prefix(60))'")
        }
        guard decoded.predicateType == predicateType else {
            throw SigningError.verificationFailed("the predicate type is '\(decoded.predicateType.prefix(100))', not '\(predicateType)'")
        }
        guard decoded.subject.contains(where: { $0.digest[digest.algorithm.rawValue] == digest.hex && $0.name == identity }) else {
            throw SigningError.verificationFailed("no subject of the statement is \(identity)@\(digest)")
        }
    }
}
