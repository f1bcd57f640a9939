import Foundation

/// The selected profile's own credentials: static keys, then `credential_process`. A
/// profile without credentials (only `region`, the usual file on EC2, ECS and EKS) lets the
/// chain go on to container and instance credentials, as the SDKs do.
public struct ProfileCredentialSource: CredentialSource {
    let profileName: String
    let resolver: ProfileResolver

    public var name: String { "profile '\(profileName)'" }

    init(profileName: String, resolver: ProfileResolver) {
        self.profileName = profileName
        self.resolver = resolver
    }

    public func resolve() async throws -> CredentialResolution {
        guard let profile = resolver.config.profile(profileName) else {
            let files = [resolver.environment.credentialsFilePath, resolver.environment.configFilePath].joined(separator: " and ")
            return .notConfigured("no profile '\(profileName)' in \(files)")
        }
        if let keys = try resolver.staticKeys(of: profileName) { return .found(keys) }
        if let command = profile["credential_process"].flatMap(ProfileResolver.nonEmpty) {
            return .found(try await CredentialProcess.run(command, source: name))
        }
        if profile["sso_session"] != nil || profile["sso_start_url"] != nil {
            throw CredentialError.invalid(
                source: name,
                detail: "IAM Identity Center (SSO) profiles are not supported; export credentials first (`aws configure export-credentials --profile \(profileName) --format env`)")
        }
        return .notConfigured("profile '\(profileName)' has no credentials (aws_access_key_id, role_arn or credential_process)")
    }
}
