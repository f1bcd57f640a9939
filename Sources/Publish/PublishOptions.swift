import AWS
import Foundation

/// Everything the publish step needs to know, after flags, environment and config file
/// have been merged: one value per stage, each of which a config file can fill, each
/// checking itself.
public struct PublishOptions: Sendable {
    public var input: InputStage
    public var build = BuildStage()
    public var destination = DestinationStage()
    public var repository: RepositoryStage
    public var tags = TagStage()
    /// Region, profile, CA bundle.
    public var aws = AWSSettings()
    /// Pin the image in a GitOps repository (`--gitops-*`).
    public var gitops: GitOpsStep?
    /// The SBOM written next to the image (`--sbom-format`, off with `--no-sbom`).
    public var sbom: SBOMStep? = SBOMStep()
    /// The push record (`--record*`): nil sends none (a `--no-push` run always has one).
    public var record: RecordStep?
    /// Sign and attest the image (`--sign-key`).
    public var signing: SigningStage?

    public init(imagePath: String, repository: String) {
        input = InputStage(imagePath: imagePath)
        self.repository = RepositoryStage(name: repository)
    }

    /// Checks each stage and the rules between them; throws ``PublishError/invalidOption(_:)``.
    public func validate() throws {
        try repository.validate()
        try build.validate()
        try tags.validate()
        try destination.validate()
        try record?.validate()
        if destination.noPush, gitops != nil, destination.registry == nil {
            throw PublishError.invalidOption("--no-push with --gitops-repo needs --registry HOST (e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com) to name the image")
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
