import Foundation

/// Shapes of the Amazon ECR API (JSON 1.1), as far as ecr-publish uses them.
public enum ECR {
    public enum TagMutability: String, Codable, Sendable, CaseIterable {
        case mutable = "MUTABLE"
        case immutable = "IMMUTABLE"
        case mutableWithExclusion = "MUTABLE_WITH_EXCLUSION"
        case immutableWithExclusion = "IMMUTABLE_WITH_EXCLUSION"
    }

    public struct MutabilityExclusionFilter: Codable, Sendable, Equatable {
        public var filterType: String
        public var filter: String

        public init(wildcard: String) {
            filterType = "WILDCARD"
            filter = wildcard
        }

        /// `^[0-9a-zA-Z._*-]{1,128}$`.
        public static func isValid(_ wildcard: String) -> Bool {
            (1...128).contains(wildcard.count)
                && wildcard.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._*-".contains($0)) }
        }
    }

    public struct ScanningConfiguration: Codable, Sendable, Equatable {
        public var scanOnPush: Bool
    }

    public struct EncryptionConfiguration: Codable, Sendable, Equatable {
        /// `AES256` or `KMS`.
        public var encryptionType: String
        public var kmsKey: String?
    }

    public struct Tag: Codable, Sendable, Equatable {
        public var Key: String
        public var Value: String
        public init(key: String, value: String) {
            Key = key
            Value = value
        }
    }

    public struct Repository: Codable, Sendable, Equatable {
        public var repositoryArn: String?
        public var registryId: String?
        public var repositoryName: String
        public var repositoryUri: String?
        public var createdAt: Double?
        public var imageTagMutability: TagMutability?
        public var imageTagMutabilityExclusionFilters: [MutabilityExclusionFilter]?
        public var imageScanningConfiguration: ScanningConfiguration?
        public var encryptionConfiguration: EncryptionConfiguration?
    }

    public struct AuthorizationData: Codable, Sendable {
        /// base64 of `AWS:<password>`; a secret.
        public var authorizationToken: String
        public var expiresAt: Double?
        public var proxyEndpoint: String

        /// The registry password, decoded.
        public func credentials() -> (user: String, password: String)? {
            guard let data = Data(base64Encoded: authorizationToken),
                  let text = String(data: data, encoding: .utf8),
                  let colon = text.firstIndex(of: ":") else { return nil }
            return (String(text[..<colon]), String(text[text.index(after: colon)...]))
        }
    }

    public struct ImageIdentifier: Codable, Sendable, Equatable, Hashable {
        public var imageDigest: String?
        public var imageTag: String?
        public init(digest: String? = nil, tag: String? = nil) {
            imageDigest = digest
            imageTag = tag
        }
    }

    public struct ImageDetail: Codable, Sendable {
        public var imageDigest: String?
        public var imageTags: [String]?
        public var imageSizeInBytes: Int64?
        public var imagePushedAt: Double?
        public var imageManifestMediaType: String?
        public var artifactMediaType: String?
    }

    public struct Image: Codable, Sendable {
        public var registryId: String?
        public var repositoryName: String?
        public var imageId: ImageIdentifier?
        public var imageManifest: String?
        public var imageManifestMediaType: String?
    }

    public struct ImageFailure: Codable, Sendable {
        public var imageId: ImageIdentifier?
        public var failureCode: String?
        public var failureReason: String?
    }

    /// Settings of a repository as ecr-publish manages them.
    public struct RepositorySettings: Sendable, Equatable {
        public var tagMutability: TagMutability?
        public var mutabilityExclusions: [String] = []
        public var scanOnPush: Bool?
        /// A KMS key ARN or alias: the repository is encrypted with KMS instead of AES-256.
        public var kmsKey: String?
        public var tags: [String: String] = [:]
        public var lifecyclePolicy: String?
        public var repositoryPolicy: String?

        public init() {}
    }
}
