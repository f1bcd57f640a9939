import AWS
import Crypto
import Foundation
import ImageArchive
import OCI
import Registry
import Signing

/// The signing step of a publish run (and of `ecr-publish sign`): the payloads are signed
/// once, then attached to each destination through the same ``ArtifactAttacher``: cosign's
/// `sha256-<hex>.sig` for the top-level digest, `sha256-<hex>.att` with the SBOM for each
/// image, and the SBOM as an OCI 1.1 referrer.
struct SigningStep: Sendable {
    let stage: SigningStage
    let signer: any ImageSigner
    let publicKey: ECDSAPublicKey

    /// An image and the SBOM documents made for it in the pass.
    struct Subject: Sendable {
        var descriptor: Descriptor
        var sboms: [(format: SBOMFormat, bytes: [UInt8])]
    }

    /// The signed layers and artifacts, ready to attach anywhere.
    struct Signed: Sendable {
        var identity: String
        var top: Descriptor
        var signature: CosignLayer
        var attestations: [(subject: Digest, predicateType: String, layer: CosignLayer)]
        var referrers: [ReferrerArtifact]
        var notes: [String]
    }

    /// Reads the key of `stage` now (a missing file or an unreadable PEM fails at once, and the
    /// passphrase is asked for before anything else is shown), and opens it in the task
    /// returned, so the key derivation overlaps whatever the run does next.
    static func startOpening(_ stage: SigningStage, options: PublishOptions, warn: (String) -> Void) throws -> Task<SigningStep, any Error> {
        if options.destination.noPush, options.destination.registry == nil {
            throw PublishError.invalidOption(
                "--no-push with --sign-key needs --registry HOST: the signature names the image as <registry>/<repository>")
        }
        let sealed = try stage.readKey(aws: options.aws, warn: warn)
        return Task {
            let (signer, publicKey) = try await sealed.open()
            return SigningStep(stage: stage, signer: signer, publicKey: publicKey)
        }
    }

    /// The key of `stage`, read and opened.
    static func open(_ stage: SigningStage, aws: AWSSettings, warn: (String) -> Void) async throws -> SigningStep {
        let (signer, publicKey) = try await stage.readKey(aws: aws, warn: warn).open()
        return SigningStep(stage: stage, signer: signer, publicKey: publicKey)
    }

    /// Signs the payloads for `top` and attests each of `images`' SBOMs, naming the image
    /// `identity` (`<registry>/<repository>`). The signatures are asked for at the same time
    /// (with KMS, each is a round trip).
    func sign(top: Descriptor, images: [Subject], identity: String) async throws -> Signed {
        let payload = SimpleSigningPayload(
            dockerReference: identity, manifestDigest: top.digest, annotations: stage.annotations.isEmpty ? nil : stage.annotations
        ).bytes()
        var statements: [(subject: Digest, predicateType: String, bytes: [UInt8])] = []
        var referrers: [ReferrerArtifact] = []
        var notes: [String] = []
        for image in images {
            for (format, document) in image.sboms {
                if stage.attest {
                    let bytes = InTotoStatement(
                        subjectName: identity, subjectDigest: image.descriptor.digest, predicateType: format.predicateType, predicateJSON: document
                    ).bytes()
                    // The envelope carries it in base64: it must stay within what verifiers read.
                    if bytes.count <= CosignArtifactImage.maximumPayloadSize / 4 * 3 - 4096 {
                        statements.append((image.descriptor.digest, format.predicateType, bytes))
                    } else {
                        notes.append("the \(format.rawValue) SBOM of \(image.descriptor.digest) is too large to attest (\(bytes.count) bytes)"
                            + (stage.referrers ? "; it is attached as a referrer only" : ""))
                    }
                }
                if stage.referrers {
                    referrers.append(try ReferrerArtifact(subject: image.descriptor, artifactType: format.artifactType, content: document))
                }
            }
        }
        if stage.attest, images.allSatisfy({ $0.sboms.isEmpty }) {
            notes.append("no SBOM to attest (--no-sbom): only the signature was written")
        }
        let signer = signer
        async let signature = signer.sign(payload)
        let envelopes = try await withThrowingTaskGroup(of: (Int, DSSEEnvelope).self) { group in
            for (position, statement) in statements.enumerated() {
                group.addTask { (position, try await DSSEEnvelope.signed(payload: statement.bytes, by: signer)) }
            }
            return try await group.reduce(into: [Int: DSSEEnvelope]()) { $0[$1.0] = $1.1 }
        }
        return Signed(
            identity: identity, top: top, signature: .signature(payload: payload, signature: try await signature),
            attestations: statements.enumerated().map { position, statement in
                (statement.subject, statement.predicateType, .attestation(envelope: envelopes[position]!, predicateType: statement.predicateType))
            },
            referrers: referrers, notes: notes)
    }

    /// Signs `loaded`'s top-level digest and attests each image's SBOMs.
    func sign(_ loaded: LoadedArchive, sboms: SBOMDocuments?, identity: String) async throws -> Signed {
        try await sign(top: loaded.artifact.descriptor, images: Self.subjects(loaded, sboms: sboms), identity: identity)
    }

    /// Each image of `loaded` with its SBOMs.
    static func subjects(_ loaded: LoadedArchive, sboms: SBOMDocuments?) -> [Subject] {
        loaded.artifact.images.map { Subject(descriptor: $0.manifest, sboms: sboms?.documents(for: $0.manifest.digest) ?? []) }
    }

    /// The registry repository's reads that attaching the signing of `loaded` starts with (the
    /// `.sig`, each attested image's `.att`, each referrer subject's tag-schema index), started
    /// now, so they go while the payloads are signed (with KMS, a round trip).
    struct EarlyReads: Sendable {
        let reader: PrefetchingReader
    }

    func startReading(_ repository: RegistryRepository, for loaded: LoadedArchive, sboms: SBOMDocuments?) -> EarlyReads {
        var references = [CosignArtifactKind.signature.tag(for: loaded.artifact.descriptor.digest)]
        for image in Self.subjects(loaded, sboms: sboms) where !image.sboms.isEmpty {
            if stage.attest { references.append(CosignArtifactKind.attestation.tag(for: image.descriptor.digest)) }
            if stage.referrers { references.append(ReferrerArtifact.fallbackTag(for: image.descriptor.digest)) }
        }
        return EarlyReads(reader: PrefetchingReader(repository, manifests: references))
    }

    /// The report of the stage: `signed` and where it went.
    func result(_ signed: Signed, destinations: [SigningResult.Destination], repository: String) -> SigningResult {
        SigningResult(
            keyKind: stage.keyKind, key: stage.keyDescription, identity: signed.identity, digest: signed.top.digest,
            destinations: destinations,
            notes: signed.notes + destinations.compactMap { Self.immutabilityNote($0, repository: repository) })
    }

    /// Attaches `signed` to the registry repository, under its tag rules, its first reads
    /// those `early` started if given; no manifest is written before `imageWritten` returns
    /// (the image's own manifests are in).
    func attach(
        _ signed: Signed, to repository: RegistryRepository, early: EarlyReads? = nil,
        repositoryStep: RepositoryProvisioner.Outcome?, after imageWritten: @escaping @Sendable () async throws -> Void = {}
    ) async throws -> SigningResult.Destination {
        try await attach(signed, to: ArtifactAttacher(
            destination: repository, reader: early?.reader ?? repository, mayWriteTag: Self.tagRule(repositoryStep), beforeManifests: imageWritten))
    }

    /// Attaches `signed` to the layout being written, keeping the signatures of the layout at
    /// `previous` it replaces (another key's signature is appended to them).
    func attach(_ signed: Signed, to layout: OCILayout, replacing previous: String) async throws -> SigningResult.Destination {
        let reader = SigningLayoutReader.isLayout(previous) ? SigningLayoutReader(root: previous) : nil
        var result = try await attach(signed, to: ArtifactAttacher(destination: layout, reader: reader, copiesExisting: true))
        result.name = "OCI layout \(previous)"
        return result
    }

    /// Attaches `signed` to one destination.
    func attach(_ signed: Signed, to attacher: ArtifactAttacher) async throws -> SigningResult.Destination {
        let outcome = { (result: ArtifactAttacher.Outcome) -> SigningResult.Artifact.Outcome in
            !result.tagged ? .untagged : result.added ? .added : .alreadyThere
        }
        // Each tag is read, extended and written on its own, so the signature, the
        // attestations and the referrers go at the same time (round trips, not work).
        async let signature = attacher.attach(signed.signature, kind: .signature, subject: signed.top.digest, key: publicKey)
        async let attestations = attachAttestations(signed.attestations, to: attacher)
        async let referrers = attacher.attach(signed.referrers)
        let (sig, atts, refs) = try await (signature, attestations, referrers)
        var destination = SigningResult.Destination(
            name: attacher.destination.name,
            signature: SigningResult.Artifact(tag: sig.tag, manifest: sig.manifest, subject: signed.top.digest, outcome: outcome(sig)),
            attestations: [], referrers: [])
        for ((subject, predicateType, _), att) in zip(signed.attestations, atts) {
            destination.attestations.append(SigningResult.Artifact(
                tag: att.tag, manifest: att.manifest, subject: subject, outcome: outcome(att), predicateType: predicateType))
        }
        for (artifact, (index, usedAPI)) in zip(signed.referrers, refs) {
            destination.referrers.append(SigningResult.Referrer(
                artifactType: artifact.artifactType, manifest: artifact.manifestDescriptor.digest, subject: artifact.subject.digest,
                discovery: usedAPI ? .referrersAPI : index.tagged ? .tagSchema : .untagged, index: usedAPI ? nil : index.manifest))
        }
        return destination
    }

    /// The attestations, in their order: those about one image one after the other (they
    /// extend the same `.att`), different images at the same time.
    private func attachAttestations(
        _ attestations: [(subject: Digest, predicateType: String, layer: CosignLayer)], to attacher: ArtifactAttacher
    ) async throws -> [ArtifactAttacher.Outcome] {
        let key = publicKey
        var subjects: [Digest] = []
        for attestation in attestations where !subjects.contains(attestation.subject) { subjects.append(attestation.subject) }
        let bySubject = try await withThrowingTaskGroup(of: [(Int, ArtifactAttacher.Outcome)].self) { group in
            for subject in subjects {
                let mine = attestations.enumerated().filter { $0.element.subject == subject }.map { ($0.offset, $0.element.layer) }
                group.addTask {
                    var outcomes: [(Int, ArtifactAttacher.Outcome)] = []
                    for (position, layer) in mine {
                        outcomes.append((position, try await attacher.attach(layer, kind: .attestation, subject: subject, key: key)))
                    }
                    return outcomes
                }
            }
            return try await group.reduce(into: [Int: ArtifactAttacher.Outcome]()) { all, outcomes in
                for (position, outcome) in outcomes { all[position] = outcome }
            }
        }
        return attestations.indices.map { bySubject[$0]! }
    }
}

extension SBOMFormat {
    /// The in-toto predicate type of an attestation of this SBOM.
    var predicateType: String {
        self == .spdxJSON ? InTotoStatement.spdxPredicateType : "https://cyclonedx.org/bom"
    }

    /// The referrer artifact's `artifactType` (the format's media type).
    var artifactType: String {
        self == .spdxJSON ? "application/spdx+json" : "application/vnd.cyclonedx+json"
    }
}

extension SigningStep {
    /// Which of cosign's tags the repository lets move (in an immutable repository, only
    /// those an exclusion covers), from what the repository step read.
    static func tagRule(_ repository: RepositoryProvisioner.Outcome?) -> @Sendable (String) -> Bool {
        tagRule(mutability: repository?.tagMutability ?? .mutable, exclusions: repository?.mutabilityExclusions ?? [])
    }

    static func tagRule(mutability: ECR.TagMutability, exclusions: [String]) -> @Sendable (String) -> Bool {
        var policy = TagPolicy()
        policy.mutability = mutability
        policy.exclusions = exclusions
        return { [policy] tag in !policy.isImmutable(tag) }
    }

    /// The note for tags held back in `repository`, with the fix.
    static func immutabilityNote(_ destination: SigningResult.Destination, repository: String) -> String? {
        let held = ([destination.signature] + destination.attestations).filter { $0.outcome == .untagged }.map(\.tag)
            + destination.referrers.filter { $0.discovery == .untagged }.map { ReferrerArtifact.fallbackTag(for: $0.subject) }
        guard !held.isEmpty else { return nil }
        return "\(destination.name): tags are immutable and no exclusion covers sha256-*, so \(held.joined(separator: ", ")) "
            + "were not written (the manifests are stored by digest; referrers stay listed by a registry with the referrers API, as ECR is). "
            + "cosign and admission controllers look for those tags: run `aws ecr put-image-tag-mutability --repository-name \(repository) "
            + "--image-tag-mutability IMMUTABLE_WITH_EXCLUSION --image-tag-mutability-exclusion-filters filterType=WILDCARD,filter='sha256-*'` "
            + "(or publish with --tag-mutability IMMUTABLE_WITH_EXCLUSION --mutability-exclusion 'sha256-*'), then sign again"
    }
}
