import Crypto
import Foundation
import OCI

/// Writes signatures, attestations and referrer artifacts to one ``ImageDestination`` (a
/// registry repository or an OCI layout), in the destination's order: blobs, manifest, tag.
/// An existing `.sig`/`.att` image is read from `reader` first and extended, as cosign does;
/// a layer already there adds nothing.
public struct ArtifactAttacher: Sendable {
    public let destination: any ImageDestination
    /// Where the existing artifacts are read: the same registry repository, or the previous
    /// layout a `--no-push` run replaces. Nil: there are none.
    public let reader: (any ArtifactReader)?
    /// Whether a tag may be written (false in an immutable repository for tags no exclusion
    /// covers: the artifact's manifest is then stored but left untagged).
    public let mayWriteTag: @Sendable (String) -> Bool
    /// Whether `reader` is another store than `destination` (the previous layout): existing
    /// artifacts are then copied over whole, not only extended.
    public let copiesExisting: Bool
    /// Awaited before the first manifest is written: the image the artifacts name must be in
    /// first. Reads and blob uploads go ahead (no manifest names those blobs yet), so a push
    /// can attach while its last layer is still uploading.
    public let beforeManifests: @Sendable () async throws -> Void

    public init(
        destination: any ImageDestination, reader: (any ArtifactReader)?, copiesExisting: Bool = false,
        mayWriteTag: @escaping @Sendable (String) -> Bool = { _ in true },
        beforeManifests: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.destination = destination
        self.reader = reader
        self.copiesExisting = copiesExisting
        self.mayWriteTag = mayWriteTag
        self.beforeManifests = beforeManifests
    }

    /// What attaching one artifact did.
    public struct Outcome: Sendable, Equatable {
        /// The tag (`sha256-<hex>.sig`, `.att`, or the referrers index `sha256-<hex>`).
        public var tag: String
        /// The artifact manifest now under the tag (or that would be, when tags are held back).
        public var manifest: Digest
        /// False when the same layer was already there: nothing was written.
        public var added: Bool
        /// Whether the tag was written (or already named the manifest).
        public var tagged: Bool
    }

    /// Appends `layer`, signed by `key`, to the `kind` artifact of the image `subject`. A
    /// layer there already with the same payload and a signature by the same key counts as
    /// this one (ECDSA signatures differ on every signing): a re-run adds nothing.
    public func attach(_ layer: CosignLayer, kind: CosignArtifactKind, subject: Digest, key: ECDSAPublicKey) async throws -> Outcome {
        let tag = kind.tag(for: subject)
        let existing = try await reader?.imageManifest(tag)
        var duplicate = false
        if let existing {
            for candidate in existing.manifest.layers where try await isSame(candidate, as: layer, kind: kind, key: key) {
                duplicate = true
                break
            }
        }
        guard !duplicate, let image = try CosignArtifactImage.appending(layer, kind: kind, to: existing.map { ($0.manifest, [:]) }) else {
            let (descriptor, manifest) = existing!
            var tagged = false
            if copiesExisting, let (_, bytes) = try await reader?.manifest(descriptor.digest.description) {
                try await ensureBlobs((manifest.layers + [manifest.config]).map { ($0, nil) })
                try await beforeManifests()
                try await destination.writeManifest(descriptor, bytes: bytes)
                if mayWriteTag(tag) {
                    _ = try await destination.tag(descriptor, bytes: bytes, as: tag)
                    tagged = true
                }
            } else {
                tagged = mayWriteTag(tag)
            }
            return Outcome(tag: tag, manifest: descriptor.digest, added: false, tagged: tagged)
        }
        // The new layer's blob (an attestation's envelope carries a signature new on every
        // signing; a signature's payload is there only if the existing artifact lists it) and the
        // config of the new layer list are new here: written without asking first.
        let listed = Set(existing?.manifest.layers.map(\.digest) ?? [])
        let unseen = Set([SHA256Hasher.digest(layer.payload), image.configDescriptor.digest]).subtracting(listed)
        try await ensureBlobs((image.layers + [image.configDescriptor]).map { ($0, image.blobs[$0.digest]) }, unseen: unseen)
        try await beforeManifests()
        let tagged = mayWriteTag(tag)
        if tagged {
            try await destination.writeManifest(image.manifestDescriptor, bytes: image.manifestBytes, tagged: tag)
        } else {
            try await destination.writeManifest(image.manifestDescriptor, bytes: image.manifestBytes)
        }
        return Outcome(tag: tag, manifest: image.manifestDescriptor.digest, added: true, tagged: tagged)
    }

    /// Stores `artifacts` (manifests with a `subject`) and makes them findable: through the
    /// registry's referrers API when it has one, else in the referrers tag schema's index at
    /// `sha256-<hex>` of each subject (read, extended, written once per subject).
    public func attach(_ artifacts: [ReferrerArtifact]) async throws -> [(outcome: Outcome, usedAPI: Bool)] {
        var results: [(outcome: Outcome, usedAPI: Bool)] = []
        var subjects: [Digest] = []
        for artifact in artifacts where !subjects.contains(artifact.subject.digest) { subjects.append(artifact.subject.digest) }
        var bySubject: [Digest: (outcome: Outcome, usedAPI: Bool)] = [:]
        for subject in subjects {
            let group = artifacts.filter { $0.subject.digest == subject }
            // The tag schema's index is read first (it needs no manifest of ours), with the blobs;
            // the content (an SBOM naming the image) is new here, the empty config seldom.
            async let previousIndex = copiesExisting ? nil : reader?.manifest(ReferrerArtifact.fallbackTag(for: subject))
            for artifact in group {
                try await ensureBlobs(artifact.blobs.map { ($0.0, $0.1) }, unseen: [artifact.contentDescriptor.digest])
            }
            let previous = try await previousIndex
            try await beforeManifests()
            // Whether the registry has the referrers API is asked while the manifests are written
            // (the subject is in by now: a registry with the API answers 200 for it, one without 404).
            async let api = reader?.referrers(of: subject)
            for artifact in group {
                try await destination.writeManifest(artifact.manifestDescriptor, bytes: artifact.manifestBytes)
            }
            bySubject[subject] = try await index(group, of: subject, previous: previous, apiAnswered: try await api != nil)
        }
        for artifact in artifacts {
            var result = bySubject[artifact.subject.digest]!
            if result.usedAPI { result.outcome.manifest = artifact.manifestDescriptor.digest }
            results.append(result)
        }
        return results
    }

    /// Lists `group` (referrers of `subject`, their manifests written) where readers find
    /// them: the registry's referrers API when it has one (`apiAnswered`), else the tag schema's
    /// index, `previous` extended (what `sha256-<hex>` held before; nil: none, or a new layout,
    /// which starts its own). ECR has the API but lists no referrers of an index, answering 405
    /// once one is written: for an index subject the API is asked again.
    private func index(
        _ group: [ReferrerArtifact], of subject: Digest, previous: (Descriptor, [UInt8])?, apiAnswered: Bool
    ) async throws -> (outcome: Outcome, usedAPI: Bool) {
        let tag = ReferrerArtifact.fallbackTag(for: subject)
        var usesAPI = apiAnswered
        if usesAPI, MediaType.isIndex(group[0].subject.mediaType) {
            usesAPI = try await reader?.referrers(of: subject) != nil
        }
        if usesAPI {
            return (Outcome(tag: tag, manifest: subject, added: true, tagged: false), true)
        }
        var index = ImageIndex(mediaType: MediaType.ociIndex, manifests: [])
        if let (descriptor, bytes) = previous {
            guard MediaType.isIndex(descriptor.mediaType), let existing = try? JSONDecoder().decode(ImageIndex.self, from: Data(bytes)) else {
                throw SigningError.artifact("\(destination.name): the tag \(tag) holds a \(descriptor.mediaType), not the referrers index the tag schema keeps there")
            }
            index = existing
        }
        var added = false
        for entry in group.map(\.indexEntry) where !index.manifests.contains(where: { $0.digest == entry.digest }) {
            index.manifests.append(entry)
            added = true
        }
        let bytes = try CanonicalJSON.encode(index)
        let descriptor = Descriptor(mediaType: MediaType.ociIndex, digest: ReferrerArtifact.digest(bytes), size: Int64(bytes.count))
        guard mayWriteTag(tag) else { return (Outcome(tag: tag, manifest: descriptor.digest, added: added, tagged: false), false) }
        if added || copiesExisting {
            try await destination.writeManifest(descriptor, bytes: bytes, tagged: tag)
        } else {
            _ = try await destination.tag(descriptor, bytes: bytes, as: tag)
        }
        return (Outcome(tag: tag, manifest: descriptor.digest, added: added, tagged: true), false)
    }

    /// ``ensureBlob(_:bytes:)`` for each, at the same time (a few small blobs: the cost is
    /// round trips); those in `unseen`, new with this signing, are written without asking
    /// whether they exist (one round trip less each).
    private func ensureBlobs(_ blobs: [(Descriptor, [UInt8]?)], unseen: Set<Digest> = []) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (descriptor, bytes) in blobs {
                if let bytes, unseen.contains(descriptor.digest) {
                    group.addTask { try await writeUnseen(descriptor, bytes: bytes) }
                    continue
                }
                group.addTask { try await ensureBlob(descriptor, bytes: bytes) }
            }
            try await group.waitForAll()
        }
    }

    /// Writes a blob thought new; if the write is refused, the blob may have been there after
    /// all (an earlier run stopped before its manifest, and a registry may refuse a blob it has):
    /// then it is, and nothing else is needed.
    private func writeUnseen(_ descriptor: Descriptor, bytes: [UInt8]) async throws {
        do {
            try await destination.writeBlob(descriptor, content: .bytes(bytes))
        } catch {
            if (try? await destination.blobExists(descriptor)) == true { return }
            throw error
        }
    }

    /// Writes a blob the destination lacks: from `bytes`, else copied from the reader (a
    /// payload of an existing layer, when the destination is a new layout).
    private func ensureBlob(_ descriptor: Descriptor, bytes: [UInt8]?) async throws {
        if try await destination.blobExists(descriptor) { return }
        var content = bytes
        if content == nil { content = try await reader?.blob(descriptor.digest, maximumSize: CosignArtifactImage.maximumPayloadSize) }
        guard let content else {
            throw SigningError.artifact("\(destination.name): the existing artifact's blob \(descriptor.digest) is missing")
        }
        try await destination.writeBlob(descriptor, content: .bytes(content))
    }

    /// Whether `candidate`, a layer of the existing artifact, carries `layer`'s payload
    /// signed by `key`.
    private func isSame(_ candidate: Descriptor, as layer: CosignLayer, kind: CosignArtifactKind, key: ECDSAPublicKey) async throws -> Bool {
        switch kind {
        case .signature:
            guard candidate.digest == SHA256Hasher.digest(layer.payload),
                  let encoded = candidate.annotations?[CosignLayer.signatureAnnotation],
                  let signature = Data(base64Encoded: encoded) else { return false }
            return key.verify(signature: [UInt8](signature), message: layer.payload)
        case .attestation:
            guard candidate.annotations?["predicateType"] == layer.annotations["predicateType"],
                  let ours = try? JSONDecoder().decode(DSSEEnvelope.self, from: Data(layer.payload)), let statement = ours.payloadBytes(),
                  let bytes = try await reader?.blob(candidate.digest, maximumSize: CosignArtifactImage.maximumPayloadSize),
                  let theirs = try? JSONDecoder().decode(DSSEEnvelope.self, from: Data(bytes)),
                  theirs.payloadType == ours.payloadType, theirs.payloadBytes() == statement else { return false }
            let pae = DSSEEnvelope.preAuthenticationEncoding(payloadType: theirs.payloadType, payload: statement)
            return theirs.signatures.contains { signature in
                Data(base64Encoded: signature.sig).map { key.verify(signature: [UInt8]($0), message: pae) } ?? false
            }
        }
    }
}
