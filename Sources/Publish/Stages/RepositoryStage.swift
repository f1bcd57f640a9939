import AWS

/// Repository: the ECR repository, made to exist with the team's settings before a push.
public struct RepositoryStage: Sendable {
    /// The ECR repository name (`team/app`).
    public var name: String
    /// Create the repository when it is missing (`--create-repository`).
    public var create = false
    /// Settings the repository must have (applied on creation, and where ECR allows, after).
    public var settings = ECR.RepositorySettings()

    public init(name: String) {
        self.name = name
    }

    public func validate() throws {
        guard RepositoryName.isValid(name) else {
            throw PublishError.invalidOption(
                "'\(name)' is not a valid ECR repository name: 2-256 characters, lowercase letters, digits and . _ - / between name components")
        }
        for exclusion in settings.mutabilityExclusions where !ECR.MutabilityExclusionFilter.isValid(exclusion) {
            throw PublishError.invalidOption("'\(exclusion)' is not a valid mutability exclusion: 1-128 of letters, digits and . _ * -")
        }
        if settings.mutabilityExclusions.count > 5 {
            throw PublishError.invalidOption("ECR takes at most 5 tag mutability exclusions")
        }
        let withExclusion = settings.tagMutability == .mutableWithExclusion || settings.tagMutability == .immutableWithExclusion
        if withExclusion && settings.mutabilityExclusions.isEmpty {
            throw PublishError.invalidOption("--tag-mutability \(settings.tagMutability!.rawValue) needs at least one --mutability-exclusion")
        }
        if !withExclusion && !settings.mutabilityExclusions.isEmpty {
            throw PublishError.invalidOption("--mutability-exclusion needs --tag-mutability MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION")
        }
        if let policy = settings.lifecyclePolicy, policy.utf8.count > 30_720 {
            throw PublishError.invalidOption("the lifecycle policy is longer than ECR's 30,720 characters")
        }
        if let policy = settings.repositoryPolicy, policy.utf8.count > 10_240 {
            throw PublishError.invalidOption("the repository policy is longer than ECR's 10,240 characters")
        }
    }
}
