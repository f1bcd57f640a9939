import Foundation
import HTTP

/// The EC2 instance role, through the instance metadata service (IMDSv2: a session token
/// first, then the role's credentials).
public struct InstanceMetadataCredentialSource: CredentialSource {
    let environment: AWSEnvironment
    let http: any HTTPClient
    public let name = "EC2 instance metadata (IMDSv2)"

    /// `http` should have short timeouts and no retries: off EC2 nothing answers.
    public init(environment: AWSEnvironment, http: any HTTPClient) {
        self.environment = environment
        self.http = http
    }

    var endpoint: String {
        let value = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254"
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }

    public func resolve() async throws -> CredentialResolution {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            return .notConfigured("disabled by AWS_EC2_METADATA_DISABLED")
        }
        guard let tokenURL = URL(string: endpoint + "/latest/api/token") else {
            throw CredentialError.invalid(source: name, detail: "AWS_EC2_METADATA_SERVICE_ENDPOINT is not a URL")
        }
        var tokenRequest = HTTPRequest(method: "PUT", url: tokenURL)
        tokenRequest.headers.set("X-aws-ec2-metadata-token-ttl-seconds", "21600")
        let token: String
        do {
            let response = try await http.execute(tokenRequest)
            guard response.status == 200, !response.body.isEmpty else {
                return .notConfigured("\(endpoint) answered HTTP \(response.status) for a session token")
            }
            token = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch is HTTPError {
            return .notConfigured("no instance metadata service answered at \(endpoint)")
        }
        let base = endpoint + "/latest/meta-data/iam/security-credentials/"
        let roles = try await get(base, token: token)
        guard let role = roles.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            return .notConfigured("the instance has no IAM role")
        }
        let body = try await get(base + role, token: token)
        return .found(try JSONCredentials.parse(Array(body.utf8), source: "EC2 instance role \(role)"))
    }

    private func get(_ url: String, token: String) async throws -> String {
        guard let url = URL(string: url) else { throw CredentialError.invalid(source: name, detail: "bad metadata URL") }
        var request = HTTPRequest(method: "GET", url: url)
        request.headers.set("X-aws-ec2-metadata-token", token)
        return String(decoding: try await http.credentialDocument(request, source: name, endpoint: "the metadata service"), as: UTF8.self)
    }
}
