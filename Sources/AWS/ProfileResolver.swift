import Foundation

/// What the profile sources share: reading a profile's static keys, and following
/// `role_arn` through `source_profile` or `credential_source` to STS AssumeRole, by the
/// rules of the SDKs (`assume-role-tests.json` of smithy-rs; botocore's AssumeRoleProvider):
/// in a source profile static keys win over its own `role_arn`; `source_profile` and
/// `credential_source` together are an error; chains are bounded and must not loop.
struct ProfileResolver: Sendable {
    let config: SharedConfig
    let environment: AWSEnvironment
    /// Makes an STS client signing with the given credentials (nil: unsigned).
    let sts: @Sendable ((any CredentialProvider)?) -> STSClient
    let container: any CredentialSource
    let instance: any CredentialSource

    static let maximumChainLength = 8

    static func sourceName(_ profile: String) -> String { "profile '\(profile)'" }

    /// `aws_access_key_id` with `aws_secret_access_key`; nil when neither is set.
    func staticKeys(of name: String) throws -> AWSCredentials? {
        let profile = config.profile(name) ?? [:]
        switch (profile["aws_access_key_id"].flatMap(Self.nonEmpty), profile["aws_secret_access_key"].flatMap(Self.nonEmpty)) {
        case (nil, nil):
            return nil
        case (.some(let keyID), .some(let secret)):
            return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret,
                                  sessionToken: profile["aws_session_token"].flatMap(Self.nonEmpty), source: Self.sourceName(name))
        case (.some, nil):
            throw CredentialError.invalid(source: Self.sourceName(name), detail: "aws_access_key_id is set but aws_secret_access_key is not")
        case (nil, .some):
            throw CredentialError.invalid(source: Self.sourceName(name), detail: "aws_secret_access_key is set but aws_access_key_id is not")
        }
    }

    /// Whether the profile assumes a role with other credentials (not with a web identity token).
    func assumesRole(_ name: String) -> Bool {
        guard let profile = config.profile(name) else { return false }
        return profile["role_arn"].flatMap(Self.nonEmpty) != nil && profile["web_identity_token_file"] == nil
    }

    /// The role of profile `name`, assumed with its source's credentials.
    func assumeRole(of name: String, visited: [String] = []) async throws -> AWSCredentials {
        let source = Self.sourceName(name)
        let profile = config.profile(name) ?? [:]
        guard let role = profile["role_arn"].flatMap(Self.nonEmpty) else {
            throw CredentialError.invalid(source: source, detail: "it has no role_arn")
        }
        let base: AWSCredentials
        switch (profile["source_profile"].flatMap(Self.nonEmpty), profile["credential_source"].flatMap(Self.nonEmpty)) {
        case (.some, .some):
            throw CredentialError.invalid(
                source: source, detail: "it has both source_profile and credential_source; keep the one that says where the credentials for \(role) come from")
        case (.some(let sourceProfile), nil):
            base = try await credentials(ofSourceProfile: sourceProfile, namedBy: name, visited: visited + [name])
        case (nil, .some(let credentialSource)):
            base = try await credentials(ofCredentialSource: credentialSource, profile: name)
        case (nil, nil):
            throw CredentialError.invalid(source: source, detail: "role_arn needs source_profile, credential_source or web_identity_token_file")
        }
        let session = try RoleParameters.sessionName(profile["role_session_name"], source: source)
        let duration = try RoleParameters.durationSeconds(profile["duration_seconds"], source: source)
        do {
            return try await sts(StaticCredentialProvider(base)).assumeRole(
                roleARN: role, sessionName: session, externalID: profile["external_id"].flatMap(Self.nonEmpty),
                durationSeconds: duration)
        } catch let error as AWSServiceError {
            throw CredentialError.invalid(source: source, detail: "STS refused to assume \(role): \(error.code) \(error.message)")
        }
    }

    /// A `source_profile`: its static keys first, then its own role, web identity token or
    /// credential_process.
    private func credentials(ofSourceProfile name: String, namedBy parent: String, visited: [String]) async throws -> AWSCredentials {
        let source = Self.sourceName(name)
        guard config.profile(name) != nil else {
            throw CredentialError.invalid(source: source, detail: "no such profile (named by source_profile of '\(parent)')")
        }
        // A profile may name itself to have its role assumed with its own keys; any other
        // return to a profile already on the chain is a loop, keys or not.
        let selfReference = name == parent && visited.last == name
        guard selfReference || !visited.contains(name), visited.count < Self.maximumChainLength else {
            throw CredentialError.invalid(source: source, detail: "source_profile chain loops or is too long: \((visited + [name]).joined(separator: " -> "))")
        }
        if let keys = try staticKeys(of: name) { return keys }
        if selfReference {
            throw CredentialError.invalid(source: source, detail: "it is its own source_profile but has no aws_access_key_id and aws_secret_access_key")
        }
        if assumesRole(name) { return try await assumeRole(of: name, visited: visited) }
        let profile = config.profile(name) ?? [:]
        if profile["web_identity_token_file"] != nil {
            let webIdentity = WebIdentityCredentialSource(profile: name, config: config, environment: environment, includeEnvironment: false) { sts(nil) }
            if case .found(let credentials) = try await webIdentity.resolve() { return credentials }
        }
        if let command = profile["credential_process"].flatMap(Self.nonEmpty) {
            return try await CredentialProcess.run(command, source: source)
        }
        throw CredentialError.invalid(source: source, detail: "the source profile of '\(parent)' has no credentials (aws_access_key_id, role_arn or credential_process)")
    }

    private func credentials(ofCredentialSource name: String, profile: String) async throws -> AWSCredentials {
        let provider: any CredentialSource
        switch name {
        case "Environment": provider = EnvironmentCredentialSource(environment: environment)
        case "Ec2InstanceMetadata": provider = instance
        case "EcsContainer": provider = container
        default:
            throw CredentialError.invalid(
                source: Self.sourceName(profile), detail: "credential_source '\(name.prefix(40))' is not Environment, Ec2InstanceMetadata or EcsContainer")
        }
        guard case .found(let credentials) = try await provider.resolve() else {
            throw CredentialError.invalid(source: Self.sourceName(profile), detail: "credential_source \(name) has no credentials")
        }
        return credentials
    }

    static func nonEmpty(_ value: String) -> String? { value.isEmpty ? nil : value }
}
