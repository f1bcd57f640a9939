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

    /// From `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`.
    public init(environment: AWSEnvironment, sts: @escaping @Sendable () -> STSClient) {
        self.init(tokenFile: environment["AWS_WEB_IDENTITY_TOKEN_FILE"], roleARN: environment["AWS_ROLE_ARN"],
                  sessionName: environment["AWS_ROLE_SESSION_NAME"], name: "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)", sts: sts)
    }

    init(tokenFile: String?, roleARN: String?, sessionName: String?, name: String, sts: @escaping @Sendable () -> STSClient) {
        self.tokenFile = tokenFile
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.name = name
        self.sts = sts
    }

    public func resolve() async throws -> CredentialResolution {
        guard let tokenFile else { return .notConfigured("AWS_WEB_IDENTITY_TOKEN_FILE is not set") }
        guard let roleARN else {
            throw CredentialError.invalid(source: name, detail: "a token file is set but no role ARN (AWS_ROLE_ARN)")
        }
        // Read on every refresh: the token file is rotated by the platform.
        guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw CredentialError.invalid(source: name, detail: "cannot read a token from \(tokenFile)")
        }
        let session = sessionName ?? "ecr-publish-\(Int(Date().timeIntervalSince1970))"
        do {
            return .found(try await sts().assumeRoleWithWebIdentity(roleARN: roleARN, sessionName: session, token: token))
        } catch let error as AWSServiceError {
            throw CredentialError.invalid(source: name, detail: "STS refused to assume \(roleARN): \(error.code) \(error.message)")
        }
    }
}
