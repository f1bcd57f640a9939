import Foundation
import HTTP
import StreamIO

/// A profile of `~/.aws/credentials` / `~/.aws/config`: static keys, an assumed role
/// (`role_arn` with `source_profile`, `credential_source` or `web_identity_token_file`), or
/// `credential_process`.
public struct ProfileCredentialSource: CredentialSource {
    let profileName: String
    let explicitlySelected: Bool
    let config: SharedConfig
    let environment: AWSEnvironment
    /// Makes an STS client signing with the given credentials (nil: unsigned).
    let sts: @Sendable ((any CredentialProvider)?) -> STSClient
    let container: any CredentialSource
    let instance: any CredentialSource

    public var name: String { "profile '\(profileName)'" }

    public init(
        environment: AWSEnvironment, config: SharedConfig, explicitProfile: String?,
        sts: @escaping @Sendable ((any CredentialProvider)?) -> STSClient,
        container: any CredentialSource, instance: any CredentialSource
    ) {
        self.environment = environment
        self.config = config
        self.profileName = explicitProfile ?? environment.profileName
        self.explicitlySelected = explicitProfile != nil || environment["AWS_PROFILE"] != nil
            || environment["AWS_DEFAULT_PROFILE"] != nil
        self.sts = sts
        self.container = container
        self.instance = instance
    }

    public func resolve() async throws -> CredentialResolution {
        guard config.profile(profileName) != nil else {
            let files = [environment.credentialsFilePath, environment.configFilePath].joined(separator: " and ")
            if explicitlySelected {
                throw CredentialError.invalid(source: name, detail: "no such profile in \(files)")
            }
            return .notConfigured("no profile '\(profileName)' in \(files)")
        }
        return .found(try await credentials(for: profileName, visited: []))
    }

    private func credentials(for name: String, visited: [String]) async throws -> AWSCredentials {
        let source = "profile '\(name)'"
        guard !visited.contains(name), visited.count < 8 else {
            throw CredentialError.invalid(source: source, detail: "source_profile chain loops: \((visited + [name]).joined(separator: " -> "))")
        }
        guard let profile = config.profile(name) else {
            throw CredentialError.invalid(source: source, detail: "no such profile (named by source_profile of '\(visited.last ?? "")')")
        }
        if let role = profile["role_arn"], !role.isEmpty {
            return try await assumeRole(role, profile: profile, name: name, visited: visited)
        }
        if let keyID = profile["aws_access_key_id"], let secret = profile["aws_secret_access_key"] {
            return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: profile["aws_session_token"], source: source)
        }
        if let command = profile["credential_process"], !command.isEmpty {
            return try await CredentialProcess.run(command, source: source)
        }
        if profile["sso_session"] != nil || profile["sso_start_url"] != nil {
            throw CredentialError.invalid(
                source: source,
                detail: "IAM Identity Center (SSO) profiles are not supported; export credentials first (`aws configure export-credentials --profile \(name) --format env`)")
        }
        throw CredentialError.invalid(source: source, detail: "it has no credentials (aws_access_key_id, role_arn or credential_process)")
    }

    private func assumeRole(_ role: String, profile: [String: String], name: String, visited: [String]) async throws -> AWSCredentials {
        let source = "profile '\(name)'"
        let session = profile["role_session_name"] ?? "ecr-publish-\(Int(Date().timeIntervalSince1970))"
        if let tokenFile = profile["web_identity_token_file"] {
            let webIdentity = WebIdentityCredentialSource(
                tokenFile: environment.expand(tokenFile), roleARN: role, sessionName: session, name: source) { sts(nil) }
            guard case .found(let credentials) = try await webIdentity.resolve() else {
                throw CredentialError.invalid(source: source, detail: "web identity gave no credentials")
            }
            return credentials
        }
        let base: AWSCredentials
        if let sourceProfile = profile["source_profile"] {
            if sourceProfile == name, let keyID = profile["aws_access_key_id"], let secret = profile["aws_secret_access_key"] {
                base = AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: profile["aws_session_token"], source: source)
            } else {
                base = try await credentials(for: sourceProfile, visited: visited + [name])
            }
        } else if let credentialSource = profile["credential_source"] {
            let provider: any CredentialSource
            switch credentialSource {
            case "Environment": provider = EnvironmentCredentialSource(environment: environment)
            case "Ec2InstanceMetadata": provider = instance
            case "EcsContainer": provider = container
            default:
                throw CredentialError.invalid(source: source, detail: "credential_source '\(credentialSource)' is not Environment, Ec2InstanceMetadata or EcsContainer")
            }
            guard case .found(let credentials) = try await provider.resolve() else {
                throw CredentialError.invalid(source: source, detail: "credential_source \(credentialSource) has no credentials")
            }
            base = credentials
        } else {
            throw CredentialError.invalid(source: source, detail: "role_arn needs source_profile, credential_source or web_identity_token_file")
        }
        do {
            return try await sts(StaticCredentialProvider(base)).assumeRole(
                roleARN: role, sessionName: session, externalID: profile["external_id"],
                durationSeconds: profile["duration_seconds"].flatMap { Int($0) })
        } catch let error as AWSServiceError {
            throw CredentialError.invalid(source: source, detail: "STS refused to assume \(role): \(error.code) \(error.message)")
        }
    }
}
