import Foundation
import HTTP

/// ECS task roles and EKS Pod Identity: credentials served over HTTP by the container agent.
public struct ContainerCredentialSource: CredentialSource {
    let environment: AWSEnvironment
    let http: any HTTPClient
    public let name = "container credentials (AWS_CONTAINER_CREDENTIALS_*)"

    public init(environment: AWSEnvironment, http: any HTTPClient) {
        self.environment = environment
        self.http = http
    }

    public func resolve() async throws -> CredentialResolution {
        let url: URL
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            guard let value = URL(string: "http://169.254.170.2" + relative) else {
                throw CredentialError.invalid(source: name, detail: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a path")
            }
            url = value
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
            guard let value = URL(string: full), Self.isAllowed(value) else {
                throw CredentialError.invalid(
                    source: name,
                    detail: "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback or the ECS/EKS agent address")
            }
            url = value
        } else {
            return .notConfigured("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")
        }
        var request = HTTPRequest(method: "GET", url: url)
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
            guard let token = BoundedFile.token(file) else {
                throw CredentialError.invalid(source: name, detail: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (missing, empty, not UTF-8 or over 64 KiB)")
            }
            request.headers.set("Authorization", token)
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] {
            request.headers.set("Authorization", token)
        }
        let body = try await http.credentialDocument(request, source: name, endpoint: "the credentials endpoint")
        return .found(try JSONCredentials.parse(body, source: "container credentials"))
    }

    /// The addresses AWS SDKs accept for plain HTTP.
    static func isAllowed(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return false }
        if scheme == "https" { return true }
        guard scheme == "http" else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
            || host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23" || host == "[fd00:ec2::23]"
    }
}

extension HTTPClient {
    /// GETs a credential endpoint's answer: anything but a 200 is an error of `source`.
    func credentialDocument(_ request: HTTPRequest, source: String, endpoint: String) async throws -> [UInt8] {
        let response: HTTPResponse
        do {
            response = try await execute(request)
        } catch let error as HTTPError {
            throw CredentialError.invalid(source: source, detail: "\(endpoint) did not answer (\(error))")
        }
        guard response.status == 200 else {
            throw CredentialError.invalid(source: source, detail: "\(endpoint) answered HTTP \(response.status)")
        }
        return response.body
    }
}

/// The credential JSON of the ECS agent, IMDS and `credential_process`.
enum JSONCredentials {
    struct Body: Decodable {
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var Token: String?
        var SessionToken: String?
        var Expiration: String?
        var Version: Int?
    }

    static func parse(_ bytes: [UInt8], source: String) throws -> AWSCredentials {
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(bytes)),
              let keyID = body.AccessKeyId, !keyID.isEmpty, let secret = body.SecretAccessKey, !secret.isEmpty
        else {
            throw CredentialError.invalid(source: source, detail: "the answer is not credential JSON (AccessKeyId, SecretAccessKey)")
        }
        return AWSCredentials(
            accessKeyID: keyID, secretAccessKey: secret, sessionToken: [body.Token, body.SessionToken].compactMap { $0 }.first { !$0.isEmpty },
            expiration: body.Expiration.flatMap(AWSTimestamp.parse), source: source)
    }
}
