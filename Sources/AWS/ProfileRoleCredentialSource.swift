import Foundation

/// The selected profile's `role_arn`, assumed with the credentials of its `source_profile`
/// or `credential_source`. Comes right after the environment variables in the chain, as in
/// botocore: a role profile wins over web identity variables.
public struct ProfileRoleCredentialSource: CredentialSource {
    let profileName: String
    let resolver: ProfileResolver

    public var name: String { "role of profile '\(profileName)'" }

    init(profileName: String, resolver: ProfileResolver) {
        self.profileName = profileName
        self.resolver = resolver
    }

    public func resolve() async throws -> CredentialResolution {
        guard resolver.assumesRole(profileName) else {
            return .notConfigured("profile '\(profileName)' has no role_arn with source_profile or credential_source")
        }
        return .found(try await resolver.assumeRole(of: profileName))
    }
}
