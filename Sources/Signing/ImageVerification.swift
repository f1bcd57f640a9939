import Crypto
import Foundation
import OCI

/// `verify`: reads an image's cosign artifacts from where they are kept (a registry
/// repository, an OCI layout) and checks them with ``CosignVerifier``. The signature is
/// required; attestations are checked wherever they exist (at the image, and at each
/// platform's manifest of an index): each attestation image must hold a statement that
/// verifies with the key; one is required when asked.
public struct ImageVerification: Sendable {
    public let reader: any ArtifactReader
    public let key: ECDSAPublicKey
    /// `<registry>/<repository>` the payloads must name.
    public let identity: String
    public var requireAttestation = false

    public init(reader: any ArtifactReader, key: ECDSAPublicKey, identity: String) {
        self.reader = reader
        self.key = key
        self.identity = identity
    }

    /// What was found and checked.
    public struct Result: Codable, Sendable, Equatable {
        public struct Attestation: Codable, Sendable, Equatable {
            /// The manifest the attestation is about (the image, or one platform's).
            public var subject: Digest
            public var manifest: Digest
            public var predicateTypes: [String]
            public var statements: Int
        }
        public var identity: String
        public var digest: Digest
        public var signature: Digest
        /// Signature layers that verify with the key (others may be by other keys).
        public var validSignatures: Int
        public var signatureLayers: Int
        public var attestations: [Attestation]
        /// Referrer artifacts found for the image (referrers API or tag schema), by type.
        public var referrers: [String]
    }

    /// Checks the image whose manifest or index is `image` (its descriptor and bytes).
    /// Throws ``SigningError/verificationFailed(_:)`` with the reason on any mismatch.
    public func verify(image: Descriptor, bytes: [UInt8]) async throws -> Result {
        let digest = image.digest
        let verifier = CosignVerifier(key: key, digest: digest, identity: identity)
        let sigTag = CosignArtifactKind.signature.tag(for: digest)
        guard let (sigDescriptor, sigManifest) = try await reader.imageManifest(sigTag) else {
            throw SigningError.verificationFailed("\(reader.name) has no signature for \(digest) (no tag \(sigTag)): the image is unsigned")
        }
        let payloads = try await fetch(sigManifest.layers)
        let valid = try verifier.verifySignatures(sigManifest) { payloads[$0] }

        var subjects = [image]
        if MediaType.isIndex(image.mediaType), let index = try? JSONDecoder().decode(ImageIndex.self, from: Data(bytes)) {
            subjects += index.manifests
        }
        var attestations: [Result.Attestation] = []
        for subject in subjects {
            let tag = CosignArtifactKind.attestation.tag(for: subject.digest)
            guard let (attDescriptor, attManifest) = try await reader.imageManifest(tag) else { continue }
            let checker = CosignVerifier(key: key, digest: subject.digest, identity: identity)
            let envelopes = try await fetch(attManifest.layers)
            let types = Array(Set(attManifest.layers.compactMap { $0.annotations?["predicateType"] })).sorted()
            guard !types.isEmpty else {
                throw SigningError.verificationFailed("the attestation \(tag) names no predicateType on its layers")
            }
            // Each predicate type is checked on its own layers; others' attestations (another
            // key, another type) may sit beside ours, but one must verify with the key.
            var statements = 0
            var verified: [String] = []
            var failure: (any Error)?
            for type in types {
                var only = attManifest
                only.layers = attManifest.layers.filter { $0.annotations?["predicateType"] == type }
                do {
                    statements += try checker.verifyAttestations(only, predicateType: type) { envelopes[$0] }.count
                    verified.append(type)
                } catch {
                    failure = error
                }
            }
            if verified.isEmpty, let failure { throw failure }
            attestations.append(Result.Attestation(subject: subject.digest, manifest: attDescriptor.digest, predicateTypes: verified, statements: statements))
        }
        if requireAttestation, attestations.isEmpty {
            throw SigningError.verificationFailed("\(reader.name) has no attestation for \(digest) (no tag \(CosignArtifactKind.attestation.tag(for: digest)))")
        }
        return Result(
            identity: identity, digest: digest, signature: sigDescriptor.digest, validSignatures: valid.count,
            signatureLayers: sigManifest.layers.count, attestations: attestations, referrers: try await referrerTypes(of: digest))
    }

    /// The payloads of `layers` that can be read (a missing one fails its layer's check).
    private func fetch(_ layers: [Descriptor]) async throws -> [Digest: [UInt8]] {
        var payloads: [Digest: [UInt8]] = [:]
        for layer in layers where layer.size <= Int64(CosignArtifactImage.maximumPayloadSize) {
            payloads[layer.digest] = try await reader.blob(layer.digest, maximumSize: CosignArtifactImage.maximumPayloadSize)
        }
        return payloads
    }

    private func referrerTypes(of digest: Digest) async throws -> [String] {
        var index = try await reader.referrers(of: digest)
        if index == nil, let (descriptor, bytes) = try await reader.manifest(ReferrerArtifact.fallbackTag(for: digest)),
           MediaType.isIndex(descriptor.mediaType) {
            index = try? JSONDecoder().decode(ImageIndex.self, from: Data(bytes))
        }
        return (index?.manifests ?? []).map { $0.artifactType ?? $0.mediaType }
    }
}
