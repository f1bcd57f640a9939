import Foundation
import HTTP

/// A web identity token exchanged for role credentials with STS AssumeRoleWithWebIdentity:
/// GitHub Actions OIDC (`aws-actions/configure-aws-credentials` leaves the token in a file)
/// and EKS IAM roles for service accounts.
public struct WebIdentityCredentialSource: CredentialSource {
    let tokenFile: String?
    let roleARN: String?
    let sessionName: String?
    let sts: @Sendable () -> STSClient
    public let name: String

    /// From the variables (unless `includeEnvironment` is false: a profile chosen with
    /// `--profile`), each falling back to the profile's `web_identity_token_file`,
    /// `role_arn`, `role_session_name`, as botocore reads them.
    public init(profile: String, config: SharedConfig, environment: AWSEnvironment, includeEnvironment: Bool,
         sts: @escaping @Sendable () -> STSClient) {
        let values = config.profile(profile) ?? [:]
        func setting(_ variable: String, _ key: String) -> String? {
            (includeEnvironment ? environment[variable] : nil) ?? values[key].flatMap { $0.isEmpty ? nil : $0 }
        }
        let fromEnvironment = includeEnvironment && environment["AWS_WEB_IDENTITY_TOKEN_FILE"] != nil
        self.init(
            tokenFile: setting("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file").map(environment.expand),
            roleARN: setting("AWS_ROLE_ARN", "role_arn"), sessionName: setting("AWS_ROLE_SESSION_NAME", "role_session_name"),
            name: fromEnvironment ? "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)" : "web identity of profile '\(profile)'", sts: sts)
    }

    init(tokenFile: String?, roleARN: String?, sessionName: String?, name: String, sts: @escaping @Sendable () -> STSClient) {
        self.tokenFile = tokenFile
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.name = name
        self.sts = sts
    }

    public func resolve() async throws -> CredentialResolution {
        guard let tokenFile else { return .notConfigured("AWS_WEB_IDENTITY_TOKEN_FILE (or web_identity_token_file) is not set") }
        guard let roleARN else {
            throw CredentialError.invalid(source: name, detail: "a token file is set but no role ARN (AWS_ROLE_ARN)")
        }
        // Read on every refresh: the token file is rotated by the platform.
        guard let token = BoundedFile.token(tokenFile) else {
            throw CredentialError.invalid(source: name, detail: "cannot read a token from \(tokenFile) (missing, empty, not UTF-8 or over 64 KiB)")
        }
        let session = try RoleParameters.sessionName(sessionName, source: name)
        do {
            return .found(try await sts().assumeRoleWithWebIdentity(roleARN: roleARN, sessionName: session, token: token))
        } catch let error as AWSServiceError {
            throw CredentialError.invalid(source: name, detail: "STS refused to assume \(roleARN): \(error.code) \(error.message)")
        }
    }
}
