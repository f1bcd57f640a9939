import Foundation
import HTTP

/// The Amazon ECR control plane (`api.ecr.<region>.amazonaws.com`, JSON 1.1).
public struct ECRClient: Sendable {
    let client: AWSJSONClient

    public init(http: any HTTPClient, credentials: any CredentialProvider, region: String, endpoint: URL) {
        client = AWSJSONClient(
            http: http, credentials: credentials, region: region, endpoint: endpoint, signingName: "ecr",
            targetPrefix: "AmazonEC2ContainerRegistry_V20150921", jsonVersion: "1.1", displayName: "ECR")
    }

    public func getAuthorizationToken() async throws -> ECR.AuthorizationData {
        struct Output: Decodable, Sendable { var authorizationData: [ECR.AuthorizationData]? }
        let output: Output = try await client.call("GetAuthorizationToken", [String: String]())
        guard let data = output.authorizationData?.first else {
            throw AWSServiceError(service: "ECR", operation: "GetAuthorizationToken", code: "InvalidResponse",
                                  message: "no authorization data in the answer", requestID: nil, status: 200)
        }
        return data
    }

    /// The repository, or nil when it does not exist.
    public func describeRepository(_ name: String) async throws -> ECR.Repository? {
        struct Input: Encodable { var repositoryNames: [String] }
        struct Output: Decodable, Sendable { var repositories: [ECR.Repository]? }
        do {
            let output: Output = try await client.call("DescribeRepositories", Input(repositoryNames: [name]))
            return output.repositories?.first
        } catch let error as AWSServiceError where error.code == "RepositoryNotFoundException" {
            return nil
        }
    }

    public func createRepository(_ name: String, settings: ECR.RepositorySettings) async throws -> ECR.Repository {
        struct Input: Encodable {
            var repositoryName: String
            var imageTagMutability: ECR.TagMutability?
            var imageTagMutabilityExclusionFilters: [ECR.MutabilityExclusionFilter]?
            var imageScanningConfiguration: ECR.ScanningConfiguration?
            var encryptionConfiguration: ECR.EncryptionConfiguration?
            var tags: [ECR.Tag]?
        }
        struct Output: Decodable, Sendable { var repository: ECR.Repository }
        let input = Input(
            repositoryName: name,
            imageTagMutability: settings.tagMutability,
            imageTagMutabilityExclusionFilters: settings.mutabilityExclusions.isEmpty
                ? nil : settings.mutabilityExclusions.map(ECR.MutabilityExclusionFilter.init(wildcard:)),
            imageScanningConfiguration: settings.scanOnPush.map(ECR.ScanningConfiguration.init(scanOnPush:)),
            encryptionConfiguration: settings.kmsKey.map { ECR.EncryptionConfiguration(encryptionType: "KMS", kmsKey: $0) },
            tags: settings.tags.isEmpty ? nil : settings.tags.sorted { $0.key < $1.key }.map { ECR.Tag(key: $0.key, value: $0.value) })
        let output: Output = try await client.call("CreateRepository", input, idempotent: false)
        return output.repository
    }

    public func putImageTagMutability(_ name: String, _ mutability: ECR.TagMutability, exclusions: [String]) async throws {
        struct Input: Encodable {
            var repositoryName: String
            var imageTagMutability: ECR.TagMutability
            var imageTagMutabilityExclusionFilters: [ECR.MutabilityExclusionFilter]?
        }
        let _: AWSEmptyOutput = try await client.call("PutImageTagMutability", Input(
            repositoryName: name, imageTagMutability: mutability,
            imageTagMutabilityExclusionFilters: exclusions.isEmpty ? nil : exclusions.map(ECR.MutabilityExclusionFilter.init(wildcard:))))
    }

    public func putImageScanningConfiguration(_ name: String, scanOnPush: Bool) async throws {
        struct Input: Encodable {
            var repositoryName: String
            var imageScanningConfiguration: ECR.ScanningConfiguration
        }
        let _: AWSEmptyOutput = try await client.call("PutImageScanningConfiguration", Input(
            repositoryName: name, imageScanningConfiguration: .init(scanOnPush: scanOnPush)))
    }

    public func putLifecyclePolicy(_ name: String, policy: String) async throws {
        struct Input: Encodable { var repositoryName: String; var lifecyclePolicyText: String }
        let _: AWSEmptyOutput = try await client.call("PutLifecyclePolicy", Input(repositoryName: name, lifecyclePolicyText: policy))
    }

    /// The lifecycle policy text, or nil when the repository has none.
    public func getLifecyclePolicy(_ name: String) async throws -> String? {
        try await policy("GetLifecyclePolicy", of: name, missing: "LifecyclePolicyNotFoundException")?.lifecyclePolicyText
    }

    public func setRepositoryPolicy(_ name: String, policy: String) async throws {
        struct Input: Encodable { var repositoryName: String; var policyText: String }
        let _: AWSEmptyOutput = try await client.call("SetRepositoryPolicy", Input(repositoryName: name, policyText: policy))
    }

    /// The repository policy text, or nil when the repository has none.
    public func getRepositoryPolicy(_ name: String) async throws -> String? {
        try await policy("GetRepositoryPolicy", of: name, missing: "RepositoryPolicyNotFoundException")?.policyText
    }

    private struct PolicyOutput: Decodable, Sendable {
        var lifecyclePolicyText: String?
        var policyText: String?
    }

    /// A policy getter's answer, or nil when the repository has no such policy.
    private func policy(_ operation: String, of name: String, missing: String) async throws -> PolicyOutput? {
        struct Input: Encodable { var repositoryName: String }
        do {
            return try await client.call(operation, Input(repositoryName: name), as: PolicyOutput.self)
        } catch let error as AWSServiceError where error.code == missing {
            return nil
        }
    }

    /// Every image of the repository (all pages), or those of `ids`.
    public func describeImages(_ name: String, ids: [ECR.ImageIdentifier]? = nil) async throws -> [ECR.ImageDetail] {
        struct Input: Encodable {
            var repositoryName: String
            var imageIds: [ECR.ImageIdentifier]?
            var nextToken: String?
        }
        struct Output: Decodable, Sendable { var imageDetails: [ECR.ImageDetail]?; var nextToken: String? }
        var details: [ECR.ImageDetail] = []
        var token: String?
        repeat {
            let output: Output = try await client.call("DescribeImages", Input(repositoryName: name, imageIds: ids, nextToken: token))
            details += output.imageDetails ?? []
            token = output.nextToken
        } while token != nil && ids == nil
        return details
    }

    public func batchGetImage(
        _ name: String, ids: [ECR.ImageIdentifier], acceptedMediaTypes: [String]
    ) async throws -> (images: [ECR.Image], failures: [ECR.ImageFailure]) {
        struct Input: Encodable { var repositoryName: String; var imageIds: [ECR.ImageIdentifier]; var acceptedMediaTypes: [String] }
        struct Output: Decodable, Sendable { var images: [ECR.Image]?; var failures: [ECR.ImageFailure]? }
        let output: Output = try await client.call(
            "BatchGetImage", Input(repositoryName: name, imageIds: ids, acceptedMediaTypes: acceptedMediaTypes))
        return (output.images ?? [], output.failures ?? [])
    }

    /// Tags (or re-tags) an image whose manifest is already in the repository.
    public func putImage(
        _ name: String, manifest: String, mediaType: String, tag: String?, digest: String?
    ) async throws -> ECR.Image {
        struct Input: Encodable {
            var repositoryName: String
            var imageManifest: String
            var imageManifestMediaType: String
            var imageTag: String?
            var imageDigest: String?
        }
        struct Output: Decodable, Sendable { var image: ECR.Image }
        let output: Output = try await client.call("PutImage", Input(
            repositoryName: name, imageManifest: manifest, imageManifestMediaType: mediaType, imageTag: tag,
            imageDigest: digest), idempotent: false)
        return output.image
    }
}
