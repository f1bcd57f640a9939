import Crypto
import Foundation
import OCI
@testable import Signing
import Testing
import TestSupport

/// The `.sig` and `.att` images cosign's verifiers read, and our verifier: it accepts what an
/// independent implementation signs (Python, from cosign's formats) and refuses every kind
/// of mismatch.
@Suite struct CosignArtifactTests {
    static let identity = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app"
    static let digest = Digest(algorithm: .sha256, hex: String(repeating: "c3", count: 32))!
    static let otherDigest = Digest(algorithm: .sha256, hex: String(repeating: "d4", count: 32))!

    static func signatureLayer(_ key: ECDSAPrivateKey, digest: Digest = digest, identity: String = identity) throws -> CosignLayer {
        let payload = SimpleSigningPayload(dockerReference: identity, manifestDigest: digest).bytes()
        return CosignLayer.signature(payload: payload, signature: try key.sign(payload))
    }

    @Test func signatureImageHasCosignsShape() throws {
        let key = try ECDSAPrivateKey.generate()
        let layer = try Self.signatureLayer(key)
        let image = try #require(try CosignArtifactImage.appending(layer, kind: .signature, to: nil))
        #expect(CosignArtifactKind.signature.tag(for: Self.digest) == "sha256-\(Self.digest.hex).sig")
        let payloadDigest = SHA256Hasher.digest(layer.payload)
        let config = String(decoding: try #require(image.blobs[image.configDescriptor.digest]), as: UTF8.self)
        #expect(config == #"{"architecture":"","config":{},"created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["\#(payloadDigest)"]}}"#)
        let manifest = try JSONDecoder().decode(ImageManifest.self, from: Data(image.manifestBytes))
        #expect(manifest.mediaType == MediaType.ociManifest && manifest.config.mediaType == MediaType.ociConfig)
        #expect(manifest.layers.map(\.mediaType) == ["application/vnd.dev.cosign.simplesigning.v1+json"])
        #expect(manifest.layers[0].annotations?["dev.cosignproject.cosign/signature"]?.isEmpty == false)
        #expect(SHA256Hasher.digest(image.manifestBytes) == image.manifestDescriptor.digest)

        // The same layer again adds nothing; another key's signature appends a layer.
        let existing = (manifest: manifest, payloads: image.blobs)
        #expect(try CosignArtifactImage.appending(layer, kind: .signature, to: existing) == nil)
        let second = try #require(try CosignArtifactImage.appending(try Self.signatureLayer(ECDSAPrivateKey.generate()), kind: .signature, to: existing))
        #expect(second.layers.count == 2)
        let secondConfig = String(decoding: try #require(second.blobs[second.configDescriptor.digest]), as: UTF8.self)
        #expect(secondConfig.components(separatedBy: "0001-01-01T00:00:00Z").count - 1 == 3)
    }

    @Test func verifierAcceptsOursAndRefusesEveryMismatch() throws {
        let key = try ECDSAPrivateKey.generate()
        let image = try #require(try CosignArtifactImage.appending(try Self.signatureLayer(key), kind: .signature, to: nil))
        let manifest = try JSONDecoder().decode(ImageManifest.self, from: Data(image.manifestBytes))
        let verifier = CosignVerifier(key: try key.publicKey(), digest: Self.digest, identity: Self.identity)
        #expect(try verifier.verifySignatures(manifest) { image.blobs[$0] }.count == 1)

        func refusal(_ body: () throws -> Void) -> String {
            do { try body(); return "accepted" } catch { return "\(error)" }
        }
        let wrongKey = CosignVerifier(key: try ECDSAPrivateKey.generate().publicKey(), digest: Self.digest, identity: Self.identity)
        #expect(refusal { _ = try wrongKey.verifySignatures(manifest) { image.blobs[$0] } }.contains("does not verify"))
        let otherImage = CosignVerifier(key: try key.publicKey(), digest: Self.otherDigest, identity: Self.identity)
        #expect(refusal { _ = try otherImage.verifySignatures(manifest) { image.blobs[$0] } }.contains("is for sha256:c3"))
        let otherRepository = CosignVerifier(key: try key.publicKey(), digest: Self.digest, identity: Self.identity + "-other")
        #expect(refusal { _ = try otherRepository.verifySignatures(manifest) { image.blobs[$0] } }.contains("names"))
        // A tampered payload no longer matches its digest.
        #expect(refusal { _ = try verifier.verifySignatures(manifest) { image.blobs[$0].map { $0 + [0x20] } } }.contains("does not match its digest"))
        // A swapped layer: another image's signed payload under this layer's annotation.
        var swapped = manifest
        let other = try Self.signatureLayer(key, digest: Self.otherDigest)
        swapped.layers[0].digest = SHA256Hasher.digest(other.payload)
        swapped.layers[0].size = Int64(other.payload.count)
        #expect(refusal { _ = try verifier.verifySignatures(swapped) { _ in other.payload } }.contains("does not verify"))
        // No signature at all.
        var unsigned = manifest
        unsigned.layers = []
        #expect(refusal { _ = try verifier.verifySignatures(unsigned) { image.blobs[$0] } }.contains("no layers"))
    }

    @Test func verifierAcceptsWhatAnIndependentImplementationSigned() throws {
        let directory = try TemporaryDirectory("independent")
        try Tool.check("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", directory.file("key.pem")])
        let publicPEM = try Tool.check("openssl", ["pkey", "-in", directory.file("key.pem"), "-pubout"]).stdout
        try Tool.check("python3", [Paths.repositoryRoot + "/Tests/Crypto/independent.py", "cosign-sign", directory.file("key.pem"),
                                   Self.identity, Self.digest.description, directory.path])
        let payload = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.file("payload.json"))))
        let signature = try String(contentsOfFile: directory.file("signature.b64"), encoding: .utf8)
        let envelope = try JSONDecoder().decode(DSSEEnvelope.self, from: Data(contentsOf: URL(fileURLWithPath: directory.file("envelope.json"))))
        let verifier = CosignVerifier(key: try ECDSAPublicKey(pem: publicPEM), digest: Self.digest, identity: Self.identity)

        let signatureLayer = CosignLayer(payload: payload, annotations: [CosignLayer.signatureAnnotation: signature])
        let sig = try #require(try CosignArtifactImage.appending(signatureLayer, kind: .signature, to: nil))
        let sigManifest = try JSONDecoder().decode(ImageManifest.self, from: Data(sig.manifestBytes))
        #expect(try verifier.verifySignatures(sigManifest) { sig.blobs[$0] }.count == 1)

        let attestation = CosignLayer.attestation(envelope: envelope, predicateType: InTotoStatement.spdxPredicateType)
        let att = try #require(try CosignArtifactImage.appending(attestation, kind: .attestation, to: nil))
        let attManifest = try JSONDecoder().decode(ImageManifest.self, from: Data(att.manifestBytes))
        #expect(attManifest.layers[0].annotations?["predicateType"] == "https://spdx.dev/Document")
        let statements = try verifier.verifyAttestations(attManifest, predicateType: InTotoStatement.spdxPredicateType) { att.blobs[$0] }
        #expect(statements.count == 1)
        #expect(throws: SigningError.self) {
            _ = try verifier.verifyAttestations(attManifest, predicateType: "https://cyclonedx.org/bom") { att.blobs[$0] }
        }
    }

    @Test func ourAttestationVerifies() throws {
        let key = try ECDSAPrivateKey.generate()
        let statement = InTotoStatement(subjectName: Self.identity, subjectDigest: Self.digest,
                                        predicateType: InTotoStatement.spdxPredicateType, predicateJSON: Array(#"{"spdxVersion":"SPDX-2.3"}"#.utf8))
        let envelope = try DSSEEnvelope.signed(payload: statement.bytes()) { try key.sign($0) }
        let att = try #require(try CosignArtifactImage.appending(.attestation(envelope: envelope, predicateType: InTotoStatement.spdxPredicateType), kind: .attestation, to: nil))
        let manifest = try JSONDecoder().decode(ImageManifest.self, from: Data(att.manifestBytes))
        let verifier = CosignVerifier(key: try key.publicKey(), digest: Self.digest, identity: Self.identity)
        #expect(try verifier.verifyAttestations(manifest, predicateType: InTotoStatement.spdxPredicateType) { att.blobs[$0] }.count == 1)
        let other = CosignVerifier(key: try key.publicKey(), digest: Self.otherDigest, identity: Self.identity)
        #expect(throws: SigningError.self) {
            _ = try other.verifyAttestations(manifest, predicateType: InTotoStatement.spdxPredicateType) { att.blobs[$0] }
        }
    }
}
