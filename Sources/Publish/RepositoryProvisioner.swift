import AWS
import Foundation

/// Makes sure the ECR repository exists with the team's settings before anything is pushed:
/// the job otherwise done by a CloudTrail rule and a Lambda.
public struct RepositoryProvisioner: Sendable {
    /// What was done.
    public struct Outcome: Codable, Sendable, Equatable {
        public enum Action: String, Codable, Sendable {
            case created, found, updated
        }
        public var name: String
        public var uri: String?
        public var arn: String?
        public var action: Action
        /// One line per change made or setting that could not be applied.
        public var changes: [String]
        /// The repository's tag mutability as it now is, and its exclusion wildcards.
        public var tagMutability: ECR.TagMutability = .mutable
        public var mutabilityExclusions: [String] = []
    }

    let ecr: ECRClient

    public init(ecr: ECRClient) { self.ecr = ecr }

    /// Creates the repository when it is missing and `create` is set; brings an existing one
    /// to `settings` where ECR allows changes.
    public func ensure(_ name: String, settings: ECR.RepositorySettings, create: Bool) async throws -> Outcome {
        guard let existing = try await ecr.describeRepository(name) else {
            guard create else { throw PublishError.repositoryMissing(name) }
            var changes: [String] = []
            let repository: ECR.Repository
            do {
                repository = try await ecr.createRepository(name, settings: settings)
            } catch let error as AWSServiceError where error.code == "RepositoryAlreadyExistsException" {
                // Another pipeline created it a moment ago: treat it as found.
                return try await ensure(name, settings: settings, create: false)
            }
            changes.append("created with tag mutability \(repository.imageTagMutability?.rawValue ?? settings.tagMutability?.rawValue ?? "MUTABLE")"
                + (settings.mutabilityExclusions.isEmpty ? "" : " (except \(settings.mutabilityExclusions.joined(separator: ", ")))")
                + ", scan on push \(settings.scanOnPush ?? false ? "on" : "off")"
                + ", encryption \(settings.kmsKey == nil ? "AES256" : "KMS \(settings.kmsKey!)")")
            if let policy = settings.lifecyclePolicy {
                try await ecr.putLifecyclePolicy(name, policy: policy)
                changes.append("lifecycle policy set")
            }
            if let policy = settings.repositoryPolicy {
                try await ecr.setRepositoryPolicy(name, policy: policy)
                changes.append("repository policy set")
            }
            return Outcome(
                name: name, uri: repository.repositoryUri, arn: repository.repositoryArn, action: .created, changes: changes,
                tagMutability: repository.imageTagMutability ?? settings.tagMutability ?? .mutable,
                mutabilityExclusions: repository.imageTagMutabilityExclusionFilters?.map(\.filter) ?? settings.mutabilityExclusions)
        }
        var changes: [String] = []
        if let mutability = settings.tagMutability {
            let currentExclusions = (existing.imageTagMutabilityExclusionFilters ?? []).map(\.filter)
            if existing.imageTagMutability != mutability || currentExclusions != settings.mutabilityExclusions {
                try await ecr.putImageTagMutability(name, mutability, exclusions: settings.mutabilityExclusions)
                changes.append("tag mutability \(existing.imageTagMutability?.rawValue ?? "?") -> \(mutability.rawValue)")
            }
        }
        if let scanOnPush = settings.scanOnPush, existing.imageScanningConfiguration?.scanOnPush != scanOnPush {
            try await ecr.putImageScanningConfiguration(name, scanOnPush: scanOnPush)
            changes.append("scan on push \(scanOnPush ? "on" : "off")")
        }
        if let key = settings.kmsKey, existing.encryptionConfiguration?.kmsKey != key {
            changes.append("warning: encryption cannot change after creation; the repository keeps \(existing.encryptionConfiguration?.encryptionType ?? "AES256")")
        }
        if let policy = settings.lifecyclePolicy, !JSONText.equal(try await ecr.getLifecyclePolicy(name), policy) {
            try await ecr.putLifecyclePolicy(name, policy: policy)
            changes.append("lifecycle policy updated")
        }
        if let policy = settings.repositoryPolicy, !JSONText.equal(try await ecr.getRepositoryPolicy(name), policy) {
            try await ecr.setRepositoryPolicy(name, policy: policy)
            changes.append("repository policy updated")
        }
        let changed = changes.contains { !$0.hasPrefix("warning:") }
        return Outcome(
            name: name, uri: existing.repositoryUri, arn: existing.repositoryArn,
            action: changed ? .updated : .found, changes: changes,
            tagMutability: settings.tagMutability ?? existing.imageTagMutability ?? .mutable,
            mutabilityExclusions: settings.tagMutability != nil
                ? settings.mutabilityExclusions : (existing.imageTagMutabilityExclusionFilters ?? []).map(\.filter))
    }
}

/// Compares JSON documents by value, not by formatting.
enum JSONText {
    static func equal(_ lhs: String?, _ rhs: String?) -> Bool {
        guard let lhs, let rhs else { return lhs == rhs }
        guard let left = try? JSONSerialization.jsonObject(with: Data(lhs.utf8)) as? NSObject,
              let right = try? JSONSerialization.jsonObject(with: Data(rhs.utf8)) as? NSObject else { return lhs == rhs }
        return left.isEqual(right)
    }
}
