import AWS
import Foundation
import OCI
import Signing

/// `ecr-publish sign`: signs an image already in the registry (and, given an SBOM file,
/// attests it and attaches it as a referrer), with the same step `publish --sign-key` runs.
public struct SignRun: Sendable {
    public var target: SigningTarget
    public var stage: SigningStage
    /// An SPDX or CycloneDX JSON document about the image to attest (`--sbom FILE`).
    public var sbomFile: String?
    public var destination = DestinationStage()
    public var aws = AWSSettings()
    /// Told warnings (a key file others can read).
    public var warn: @Sendable (String) -> Void = { _ in }

    public init(target: SigningTarget, stage: SigningStage) {
        self.target = target
        self.stage = stage
    }

    public func run() async throws -> SigningResult {
        guard case .registry(let host, let repository, let reference) = target else {
            throw PublishError.invalidOption("sign takes an image in a registry; to sign a layout, run publish --no-push with --sign-key")
        }
        let sbom = try sbomFile.map(Self.readSBOM)
        var stage = self.stage
        stage.attest = stage.attest && sbom != nil  // nothing to attest is no warning here
        let step = try await SigningStep.open(stage, aws: aws, warn: warn)
        let context = try aws.context()
        guard let found = try await context.ecr().describeRepository(repository) else { throw PublishError.repositoryMissing(repository) }
        var destination = self.destination
        if let host { destination.registry = host }
        let connection = try await RegistryConnection.open(destination: destination, aws: aws, context: context)
        let remote = connection.client.repository(repository)
        guard let (descriptor, _) = try await remote.manifest(reference) else {
            throw PublishError.invalidOption("\(remote.name) has no image \(reference)")
        }
        let signed = try await step.sign(
            top: descriptor, images: [SigningStep.Subject(descriptor: descriptor, sboms: sbom.map { [$0] } ?? [])],
            identity: "\(connection.imageRegistry)/\(repository)")
        let rule = SigningStep.tagRule(
            mutability: found.imageTagMutability ?? .mutable, exclusions: found.imageTagMutabilityExclusionFilters?.map(\.filter) ?? [])
        let result = try await step.attach(signed, to: ArtifactAttacher(destination: remote, reader: remote, mayWriteTag: rule))
        return step.result(signed, destinations: [result], repository: repository)
    }

    /// An SBOM file's format (by its content) and bytes, bounded.
    static func readSBOM(_ path: String) throws -> (format: SBOMFormat, bytes: [UInt8]) {
        let limit = CosignArtifactImage.maximumPayloadSize / 2
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
            throw PublishError.invalidOption("cannot read the SBOM \(path)")
        }
        guard size <= limit, let data = FileManager.default.contents(atPath: path) else {
            throw PublishError.invalidOption("the SBOM \(path) is larger than \(limit) bytes")
        }
        struct Head: Decodable { var spdxVersion: String?; var bomFormat: String? }
        guard let head = try? JSONDecoder().decode(Head.self, from: data) else {
            throw PublishError.invalidOption("the SBOM \(path) is not a JSON object")
        }
        if head.spdxVersion != nil { return (.spdxJSON, [UInt8](data)) }
        if head.bomFormat == "CycloneDX" { return (.cyclonedxJSON, [UInt8](data)) }
        throw PublishError.invalidOption("the SBOM \(path) is neither SPDX JSON (spdxVersion) nor CycloneDX JSON (bomFormat)")
    }
}
