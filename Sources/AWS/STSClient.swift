import Foundation
import HTTP

/// AWS Security Token Service: who am I, and temporary credentials for roles.
public struct STSClient: Sendable {
    public struct CallerIdentity: Sendable, Codable, Equatable {
        public var account: String
        public var arn: String
        public var userID: String
    }

    let client: AWSQueryClient

    public init(http: any HTTPClient, credentials: (any CredentialProvider)?, region: String, endpoint: URL) {
        client = AWSQueryClient(
            http: http, credentials: credentials, region: region, endpoint: endpoint,
            signingName: "sts", apiVersion: "2011-06-15", displayName: "STS")
    }

    public func getCallerIdentity() async throws -> CallerIdentity {
        let result = try await client.call("GetCallerIdentity", [])
        return CallerIdentity(
            account: result.first("Account")?.text ?? "", arn: result.first("Arn")?.text ?? "",
            userID: result.first("UserId")?.text ?? "")
    }

    /// AssumeRole, signed with the caller's credentials.
    public func assumeRole(
        roleARN: String, sessionName: String, externalID: String? = nil, durationSeconds: Int? = nil
    ) async throws -> AWSCredentials {
        var parameters = [("RoleArn", roleARN), ("RoleSessionName", sessionName)]
        if let externalID { parameters.append(("ExternalId", externalID)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        return try Self.credentials(from: try await client.call("AssumeRole", parameters, idempotent: false),
                                    source: "role \(roleARN)")
    }

    /// AssumeRoleWithWebIdentity, unsigned: the web identity token (GitHub OIDC, EKS) is the proof.
    public func assumeRoleWithWebIdentity(
        roleARN: String, sessionName: String, token: String, durationSeconds: Int? = nil
    ) async throws -> AWSCredentials {
        var parameters = [("RoleArn", roleARN), ("RoleSessionName", sessionName), ("WebIdentityToken", token)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        return try Self.credentials(
            from: try await client.call("AssumeRoleWithWebIdentity", parameters, idempotent: false),
            source: "web identity role \(roleARN)")
    }

    static func credentials(from result: XMLTree, source: String) throws -> AWSCredentials {
        guard let credentials = result.first("Credentials"),
              let keyID = credentials.first("AccessKeyId")?.text, !keyID.isEmpty,
              let secret = credentials.first("SecretAccessKey")?.text, !secret.isEmpty
        else {
            throw CredentialError.invalid(source: source, detail: "STS answered without credentials")
        }
        return AWSCredentials(
            accessKeyID: keyID, secretAccessKey: secret, sessionToken: credentials.first("SessionToken")?.text,
            expiration: credentials.first("Expiration").flatMap { AWSTimestamp.parse($0.text) }, source: source)
    }
}

/// ISO 8601 timestamps as AWS writes them (with or without fractional seconds).
enum AWSTimestamp {
    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
