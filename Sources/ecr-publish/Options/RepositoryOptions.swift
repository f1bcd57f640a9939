import ArgumentParser
import AWS
import Foundation
import Publish

extension ECR.TagMutability: ExpressibleByArgument {}

/// The repository's settings, applied when it is created (and, where ECR allows, when they
/// differ on an existing one).
struct RepositoryOptions: ParsableArguments {
    @Flag(name: .long, help: "Create the repository if it does not exist.")
    var createRepository = false

    @Option(name: .long, help: "MUTABLE, IMMUTABLE, MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION.")
    var tagMutability: ECR.TagMutability?

    @Option(name: .long, help: ArgumentHelp(
        "A tag wildcard exempt from --tag-mutability (repeatable, at most 5), e.g. 'sha256-*' for cosign's tags.",
        valueName: "wildcard"))
    var mutabilityExclusion: [String] = []

    @Flag(name: .long, inversion: .prefixedNo, help: "Scan images on push (basic scanning).")
    var scanOnPush: Bool?

    @Option(name: .long, help: ArgumentHelp("Encrypt the repository with this KMS key (ARN or alias) instead of AES-256.", valueName: "key"))
    var kmsKey: String?

    @Option(name: .long, help: ArgumentHelp("A resource tag of a new repository (repeatable).", valueName: "key=value"))
    var repositoryTag: [String] = []

    @Option(name: .long, help: ArgumentHelp("JSON lifecycle policy to put on the repository.", valueName: "file"))
    var lifecyclePolicy: String?

    @Option(name: .long, help: ArgumentHelp("JSON repository (permissions) policy to set.", valueName: "file"))
    var repositoryPolicy: String?

    func validate() throws {
        for pair in repositoryTag where pair.firstIndex(of: "=").map({ $0 == pair.startIndex }) ?? true {
            throw ValidationError("--repository-tag takes key=value, not '\(pair)'")
        }
    }

    /// Fills the repository stage (reading the policy files).
    func apply(to repository: inout RepositoryStage) throws {
        repository.create = createRepository
        var settings = ECR.RepositorySettings()
        settings.tagMutability = tagMutability
        settings.mutabilityExclusions = mutabilityExclusion
        settings.scanOnPush = scanOnPush
        settings.kmsKey = kmsKey
        for pair in repositoryTag {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw PublishError.invalidOption("--repository-tag takes key=value, not '\(pair)'")
            }
            settings.tags[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        settings.lifecyclePolicy = try lifecyclePolicy.map { try Self.readJSON($0, flag: "--lifecycle-policy") }
        settings.repositoryPolicy = try repositoryPolicy.map { try Self.readJSON($0, flag: "--repository-policy") }
        repository.settings = settings
    }

    static func readJSON(_ path: String, flag: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else {
            throw PublishError.invalidOption("\(flag): cannot read \(path)")
        }
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw PublishError.invalidOption("\(flag): \(path) is not a JSON object")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
