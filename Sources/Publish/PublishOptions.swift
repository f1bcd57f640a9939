import AWS
import Foundation
import ImageArchive
import OCI

/// Everything the publish step needs to know, after flags, environment and config file
/// have been merged.
public struct PublishOptions: Sendable {
    /// The image tarball (`-` for standard input).
    public var imagePath: String
    /// The ECR repository name (`team/app`).
    public var repository: String
    /// Do everything locally, push nothing (`--no-push`).
    public var noPush = false
    /// Where local artifacts go (`--output`).
    public var outputDirectory: String?
    /// Which image of a multi-image tarball (`--image`).
    public var imageReference: String?
    public var manifestFormat: ManifestFormat = .oci
    /// Only this platform of a multi-platform image (`--platform os/arch[/variant]`).
    public var platform: Platform?
    /// gzip level, 0-12 (1-9 as in gzip).
    public var compressionLevel = 5
    /// Compression threads; defaults to the number of cores.
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Blobs written at the same time (`--jobs`).
    public var jobs = 4
    /// Tags given explicitly (`--tag`).
    public var tags: [String] = []
    /// The tags of ``tags`` that move from build to build (`latest`, `main-latest`): a
    /// repository's immutability may hold them back without failing the run.
    public var rollingTags: Set<String> = []
    /// `--on-tag-conflict`, `--force-rolling-tags` (the repository's mutability is read).
    public var tagPolicy = TagPolicy()
    /// The git tag of the build, when it is a release: `latest`, `{major}` and
    /// `{major}.{minor}` move only forward from it.
    public var releaseVersion: String?
    public var limits = ArchiveLimits()
    /// Region, profile, CA bundle.
    public var aws = AWSSettings()
    /// Create the repository when it is missing (`--create-repository`).
    public var createRepository = false
    /// Settings the repository must have (applied on creation, and where ECR allows, after).
    public var repositorySettings = ECR.RepositorySettings()
    /// Pin the image in a GitOps repository (`--gitops-*`).
    public var gitops: GitOpsStep?
    /// The registry host image references name (`--registry`); when pushing, the ECR
    /// registry of the account.
    public var registry: String?
    /// Where registry traffic goes instead of the registry itself (`--registry-endpoint`):
    /// a VPC endpoint, a proxy, a test registry. The image keeps its ECR name.
    public var registryEndpoint: URL?
    /// PATCH part size for large blobs (default: the registry client's, 8 MiB).
    public var chunkSize: Int64?
    /// The SBOM written next to the image (`--sbom-format`, off with `--no-sbom`).
    public var sbom: SBOMStep? = SBOMStep()

    public init(imagePath: String, repository: String) {
        self.imagePath = imagePath
        self.repository = repository
    }

    /// Checks the options together; throws ``PublishError/invalidOption(_:)``.
    public func validate() throws {
        guard RepositoryName.isValid(repository) else {
            throw PublishError.invalidOption(
                "'\(repository)' is not a valid ECR repository name: 2-256 characters, lowercase letters, digits and . _ - / between name components")
        }
        guard (0...12).contains(compressionLevel) else {
            throw PublishError.invalidOption("--compression-level must be 0-12 (1-9 as in gzip), not \(compressionLevel)")
        }
        guard (1...256).contains(threads) else {
            throw PublishError.invalidOption("--threads must be 1-256, not \(threads)")
        }
        guard (1...64).contains(jobs) else {
            throw PublishError.invalidOption("--jobs must be 1-64, not \(jobs)")
        }
        for tag in tags where !TagName.isValid(tag) {
            throw PublishError.invalidOption("'\(tag)' is not a valid tag: up to 128 characters of letters, digits, _ . -, not starting with . or -")
        }
        try validateRepositorySettings()
        if noPush, gitops != nil, registry == nil {
            throw PublishError.invalidOption("--no-push with --gitops-repo needs --registry HOST (e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com) to name the image")
        }
        if let registry, registry.isEmpty || registry.contains("/") || registry.contains("://") {
            throw PublishError.invalidOption("--registry takes a host name (and port), not '\(registry)'")
        }
        if let endpoint = registryEndpoint, !["http", "https"].contains(endpoint.scheme ?? "") || endpoint.host == nil {
            throw PublishError.invalidOption("--registry-endpoint takes an http(s) URL such as https://vpce-….ecr.us-east-1.vpce.amazonaws.com, not '\(endpoint.absoluteString)'")
        }
        if let chunkSize, chunkSize < 5 << 20 || chunkSize > 100 << 20 {
            throw PublishError.invalidOption("--chunk-size must be 5-100 MiB (ECR refuses parts under 5 MiB), not \(chunkSize) bytes")
        }
        if noPush && outputDirectory == nil {
            throw PublishError.invalidOption("--no-push needs --output DIR for the artifacts it writes")
        }
    }
}

extension PublishOptions {
    func validateRepositorySettings() throws {
        let settings = repositorySettings
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

/// ECR repository name rules.
public enum RepositoryName {
    public static func isValid(_ name: String) -> Bool {
        guard (2...256).contains(name.utf8.count) else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { component in
            guard let first = component.first, let last = component.last,
                  first.isLowercaseAlphanumeric, last.isLowercaseAlphanumeric else { return false }
            var previousWasSeparator = false
            for character in component {
                if character.isLowercaseAlphanumeric {
                    previousWasSeparator = false
                } else if "._-".contains(character) {
                    // `__` is allowed by the distribution spec; other doubled separators are not.
                    if previousWasSeparator && character != "_" && character != "-" { return false }
                    previousWasSeparator = true
                } else {
                    return false
                }
            }
            return true
        }
    }
}

/// OCI tag rules: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
public enum TagName {
    public static func isValid(_ tag: String) -> Bool {
        guard let first = tag.unicodeScalars.first, tag.unicodeScalars.count <= 128 else { return false }
        let allowed = { (scalar: Unicode.Scalar) in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_.-".unicodeScalars.contains(scalar))
        }
        return allowed(first) && first != "." && first != "-" && tag.unicodeScalars.allSatisfy(allowed)
    }
}

extension Character {
    fileprivate var isLowercaseAlphanumeric: Bool {
        guard let ascii = asciiValue else { return false }
        return (ascii >= 0x61 && ascii <= 0x7a) || (ascii >= 0x30 && ascii <= 0x39)
    }
}
