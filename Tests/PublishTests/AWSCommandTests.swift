import Foundation
import Testing
import TestSupport

/// The AWS-facing commands through the executable, against moto with signature checking on.
@Suite(.serialized) struct AWSCommandTests {
    static let moto = Result(catching: { () throws -> MotoServer in
        let moto = try MotoServer()
        SecretLedger.record(moto.secretAccessKey)
        return moto
    })

    /// The registry `publish` pushes to (its htpasswd holds moto's token).
    static let registry = Result(catching: { try RegistryServer(tls: true) })

    static func run(_ arguments: [String], secret: String? = nil, extra: [String: String] = [:], unset: [String] = []) throws -> ToolResult {
        let moto = try moto.get()
        var arguments = arguments
        if arguments.first == "publish" {
            let registry = try registry.get()
            arguments += ["--registry-endpoint", registry.baseURL, "--ca-file", registry.caFile]
        }
        let home = try TemporaryDirectory("home")
        var environment = moto.environment(home: home.path, secret: secret, extra: extra)
        for name in unset { environment[name] = nil }
        let result = try Tool.run(Paths.executable, arguments, environment: environment, replacingEnvironment: true)
        SecretScan.check(result, against: [moto.secretAccessKey, secret].compactMap { $0 })
        return result
    }

    @Test func whoamiPrintsTheIdentityAndNoSecrets() throws {
        let moto = try Self.moto.get()
        let result = try Self.run(["whoami"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("arn:aws:iam::123456789012:user/ci"))
        #expect(result.stdout.contains("environment variables"))
        #expect(!result.stdout.contains(moto.accessKeyID), "the key id is shown masked only")
        let json = try Self.run(["whoami", "--json"])
        let object = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: String]
        #expect(object?["account"] == "123456789012")
        #expect(object?["region"] == "us-east-1")
    }

    @Test func wrongSecretExitsWithFour() throws {
        let whoami = try Self.run(["whoami"], secret: "wrong-secret-value")
        #expect(whoami.status == 4, "\(whoami.stderr)")
        #expect(whoami.stderr.contains("SignatureDoesNotMatch"))
        let publish = try Self.run(
            ["publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "team/denied", "--create-repository"],
            secret: "wrong-secret-value")
        #expect(publish.status == 4, "\(publish.stderr)")
    }

    @Test func missingCredentialsExitWithFourAndSayWhereTheChainLooked() throws {
        let result = try Self.run(["whoami"], unset: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
        #expect(result.status == 4)
        for place in ["environment variables", "web identity", "profile 'default'", "container credentials", "instance metadata"] {
            #expect(result.stderr.contains(place), "\(place)")
        }
    }

    @Test func createRepositoryWithSettingsReadBackByTheAWSCLI() throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("create")
        let lifecycle = #"{"rules":[{"rulePriority":1,"description":"expire untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}}]}"#
        let policy = #"{"Version":"2012-10-17","Statement":[{"Sid":"ci","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#
        try lifecycle.write(toFile: home.file("lifecycle.json"), atomically: true, encoding: .utf8)
        try policy.write(toFile: home.file("policy.json"), atomically: true, encoding: .utf8)
        let result = try Self.run([
            "publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "team/created",
            "--create-repository", "--tag-mutability", "IMMUTABLE_WITH_EXCLUSION", "--mutability-exclusion", "sha256-*",
            "--mutability-exclusion", "*-latest", "--scan-on-push", "--repository-tag", "team=platform",
            "--lifecycle-policy", home.file("lifecycle.json"), "--repository-policy", home.file("policy.json"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("repository team/created created"))

        struct Repositories: Decodable {
            struct Repository: Decodable {
                var imageTagMutability: String
                var imageTagMutabilityExclusionFilters: [[String: String]]?
                var imageScanningConfiguration: [String: Bool]
                var encryptionConfiguration: [String: String]
            }
            var repositories: [Repository]
        }
        let described = try moto.aws(["ecr", "describe-repositories", "--repository-names", "team/created"], home: home.path)
        let repository = try #require(try JSONDecoder().decode(Repositories.self, from: described.stdoutData).repositories.first)
        #expect(repository.imageTagMutability == "IMMUTABLE_WITH_EXCLUSION")
        #expect(repository.imageTagMutabilityExclusionFilters?.map { $0["filter"] } == ["sha256-*", "*-latest"])
        #expect(repository.imageScanningConfiguration["scanOnPush"] == true)
        #expect(repository.encryptionConfiguration["encryptionType"] == "AES256")

        let lifecycleRead = try moto.aws(["ecr", "get-lifecycle-policy", "--repository-name", "team/created"], home: home.path)
        let text = try #require(try JSONSerialization.jsonObject(with: lifecycleRead.stdoutData) as? [String: Any])["lifecyclePolicyText"] as? String
        #expect(try Self.sameJSON(text ?? "", lifecycle))
        let policyRead = try moto.aws(["ecr", "get-repository-policy", "--repository-name", "team/created"], home: home.path)
        let policyText = try #require(try JSONSerialization.jsonObject(with: policyRead.stdoutData) as? [String: Any])["policyText"] as? String
        #expect(try Self.sameJSON(policyText ?? "", policy))

        // A second run finds it; changed settings are applied.
        let again = try Self.run([
            "publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "team/created",
            "--tag-mutability", "MUTABLE", "--no-scan-on-push",
        ])
        #expect(again.stdout.contains("repository team/created updated"), "\(again.stderr)")
        let after = try moto.aws(["ecr", "describe-repositories", "--repository-names", "team/created"], home: home.path)
        let updated = try #require(try JSONDecoder().decode(Repositories.self, from: after.stdoutData).repositories.first)
        #expect(updated.imageTagMutability == "MUTABLE")
        #expect(updated.imageScanningConfiguration["scanOnPush"] == false)
    }

    @Test func kmsEncryptedRepository() throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("kms-repo")
        let result = try Self.run([
            "publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "team/encrypted",
            "--create-repository", "--kms-key", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ])
        #expect(result.stdout.contains("repository team/encrypted created"), "\(result.stderr)")
        let described = try moto.aws(["ecr", "describe-repositories", "--repository-names", "team/encrypted"], home: home.path)
        #expect(described.stdout.contains("\"encryptionType\": \"KMS\""))
    }

    @Test func missingRepositoryWithoutCreateIsAUsageError() throws {
        let result = try Self.run(["publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "team/absent"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--create-repository"))
    }

    @Test(arguments: [
        ["--tag-mutability", "IMMUTABLE_WITH_EXCLUSION"],
        ["--mutability-exclusion", "sha256-*"],
        ["--tag-mutability", "IMMUTABLE_WITH_EXCLUSION", "--mutability-exclusion", "bad/filter"],
        ["--tag-mutability", "SOMETIMES"],
        ["--repository-tag", "novalue"],
        ["--lifecycle-policy", "/nonexistent.json"],
        ["--region", "Not A Region"],
    ])
    func invalidRepositoryOptionsExitWithTwo(extra: [String]) throws {
        let result = try Self.run(["publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "team/x", "--create-repository"] + extra)
        #expect(result.status == 2, "\(extra): \(result.stderr)")
    }

    static func sameJSON(_ lhs: String, _ rhs: String) throws -> Bool {
        let left = try JSONSerialization.jsonObject(with: Data(lhs.utf8)) as? NSDictionary
        let right = try JSONSerialization.jsonObject(with: Data(rhs.utf8)) as? NSDictionary
        return left == right
    }
}
