import Foundation
import HTTP

/// Credentials for a registry that is not ECR, given as the registry asks for them in its
/// `WWW-Authenticate` challenge (the first `GET /v2/` draws one): Basic with the user's
/// credentials, or a Bearer token from the registry's token service (the Docker token
/// protocol: `GET realm?service=…&scope=…` with Basic credentials, or anonymously; an
/// identity token is exchanged with `POST realm`, `grant_type=refresh_token`).
///
/// Every scope asked for so far goes into each new token (``TokenScopes``), so moving between
/// repositories (a cross-repository mount) does not make tokens flip-flop. The token goes only to the
/// registry's origin (``RegistryClient`` sends it nowhere else); the credentials go to the
/// token service the registry names, and only over HTTPS (or to a loopback address).
public actor ChallengeAuthorizer: RegistryAuthorizer {
    private let registry: String
    private let credentials: RegistryCredentials?
    private let http: any HTTPClient
    private var scheme: String?
    private var scopes = TokenScopes()
    private var token: String?

    /// Tokens and their answers are small; a larger answer is refused.
    static let maxTokenAnswer = 64 << 10

    public init(registry: String, credentials: RegistryCredentials?, http: any HTTPClient) {
        self.registry = registry
        self.credentials = credentials
        self.http = http
    }

    public func authorization() async throws -> String? {
        switch scheme {
        case "basic": return credentials.map(\.basicHeader)
        case "bearer": return token.map { "Bearer " + $0 }
        default: return nil
        }
    }

    public func authorization(answering header: String?) async throws -> String? {
        guard let header, let challenge = AuthChallenge(header) else { return nil }
        scheme = challenge.scheme
        switch challenge.scheme {
        case "basic":
            return credentials.map(\.basicHeader)
        case "bearer":
            for scope in challenge.scopes { scopes.add(scope) }
            token = try await fetchToken(challenge)
            return "Bearer " + token!
        default:
            return nil
        }
    }

    private func fetchToken(_ challenge: AuthChallenge) async throws -> String {
        let operation = "get a token for \(registry)"
        guard let realmText = challenge.parameters["realm"], var realm = URLComponents(string: realmText),
              let scheme = realm.scheme?.lowercased(), scheme == "https" || scheme == "http", let host = realm.host else {
            throw RegistryError.credentials(registry: registry, detail: "its Bearer challenge names no usable token service (realm)")
        }
        if scheme == "http", credentials != nil, !Self.isLoopback(host) {
            throw RegistryError.credentials(
                registry: registry, detail: "its token service \(host) is plain HTTP; credentials are sent only over HTTPS")
        }
        var query = realm.queryItems ?? []
        if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
        let request: HTTPRequest
        if let credentials, credentials.isIdentityToken {
            var form = URLComponents()
            form.queryItems = [
                URLQueryItem(name: "grant_type", value: "refresh_token"), URLQueryItem(name: "client_id", value: "ecr-publish"),
                URLQueryItem(name: "refresh_token", value: credentials.secret),
            ] + query + [URLQueryItem(name: "scope", value: scopes.values.joined(separator: " "))]
            var post = HTTPRequest(method: "POST", url: realm.url!, body: .bytes(Array((form.percentEncodedQuery ?? "").utf8)))
            post.headers.set("Content-Type", "application/x-www-form-urlencoded")
            request = post
        } else {
            realm.queryItems = query + scopes.values.map { URLQueryItem(name: "scope", value: $0) }
            var get = HTTPRequest(method: "GET", url: realm.url!)
            if let credentials { get.headers.set("Authorization", credentials.basicHeader) }
            request = get
        }
        let answer = try await http.execute(request)
        guard answer.status == 200 else {
            let (code, message) = RegistryErrorBody.summary(of: answer.body)
            throw RegistryError.unauthorized(
                registry: registry, operation: operation, status: answer.status,
                detail: [code, message.isEmpty ? nil : message].compactMap { $0 }.joined(separator: ": "))
        }
        struct Answer: Decodable {
            var token: String?
            var access_token: String?
        }
        guard answer.body.count <= Self.maxTokenAnswer,
              let decoded = try? JSONDecoder().decode(Answer.self, from: Data(answer.body)),
              let token = decoded.token ?? decoded.access_token, !token.isEmpty,
              token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw RegistryError.credentials(registry: registry, detail: "its token service \(host) answered no usable token")
        }
        return token
    }

    private static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }
}
