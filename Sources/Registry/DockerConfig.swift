import Foundation

/// What `docker login` leaves for registries that are not ECR: `$DOCKER_CONFIG/config.json`,
/// else `~/.docker/config.json`. For a registry host, in Docker's order: its `credHelpers`
/// entry, else `credsStore`, each run as `docker-credential-NAME get`; else its `auths`
/// entry (`auth`: base64 of `user:password`, or `username` and `password`, or an
/// `identitytoken`).
public struct DockerConfig: Sendable {
    struct AuthEntry: Decodable, Sendable {
        var auth: String?
        var username: String?
        var password: String?
        var identitytoken: String?
    }

    private struct File: Decodable {
        var auths: [String: AuthEntry]?
        var credHelpers: [String: String]?
        var credsStore: String?
    }

    /// The file read, for messages.
    public let path: String
    var auths: [String: AuthEntry]
    var credHelpers: [String: String]
    var credsStore: String?

    /// A config file larger than this is refused.
    static let maxSize = 1 << 20

    /// The config file of `environment`, or nil when there is none.
    public static func load(environment: [String: String]) throws -> DockerConfig? {
        let directory = environment["DOCKER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.docker" }
        guard let path = directory.map({ $0 + "/config.json" }), FileManager.default.fileExists(atPath: path) else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RegistryError.credentials(registry: path, detail: "the Docker config file cannot be read; check its permissions")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maxSize + 1)) ?? Data()
        guard data.count <= maxSize else {
            throw RegistryError.credentials(registry: path, detail: "the Docker config file is larger than 1 MiB")
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data) else {
            throw RegistryError.credentials(registry: path, detail: "the Docker config file is not valid JSON of Docker's format")
        }
        return DockerConfig(path: path, auths: file.auths ?? [:], credHelpers: file.credHelpers ?? [:], credsStore: file.credsStore)
    }

    /// The credentials for `registry` (`host[:port]`), or nil for anonymous access.
    public func credentials(for registry: String, environment: [String: String]) async throws -> RegistryCredentials? {
        let host = Self.normalize(registry)
        if let helper = credHelpers.first(where: { Self.normalize($0.key) == host })?.value ?? credsStore, !helper.isEmpty {
            return try await CredentialHelper(name: helper, environment: environment).get(Self.serverURL(host))
        }
        guard let entry = auths.first(where: { Self.normalize($0.key) == host })?.value else { return nil }
        let source = "\(path) (auths)"
        if let token = entry.identitytoken, !token.isEmpty {
            return RegistryCredentials(username: "<token>", secret: token, source: source)
        }
        if let auth = entry.auth, !auth.isEmpty {
            guard let decoded = Data(base64Encoded: auth).flatMap({ String(data: $0, encoding: .utf8) }),
                  let colon = decoded.firstIndex(of: ":") else {
                throw RegistryError.credentials(registry: registry, detail: "its \"auth\" in \(path) is not base64 of user:password")
            }
            return RegistryCredentials(username: String(decoded[..<colon]), secret: String(decoded[decoded.index(after: colon)...]), source: source)
        }
        if let username = entry.username, let password = entry.password {
            return RegistryCredentials(username: username, secret: password, source: source)
        }
        return nil
    }

    /// A config key or registry name as a host: scheme and path dropped, lowercased; Docker
    /// Hub's names as its config key's host.
    static func normalize(_ name: String) -> String {
        var text = name.lowercased()
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) { text = String(text.dropFirst(scheme.count)) }
        if let slash = text.firstIndex(of: "/") { text = String(text[..<slash]) }
        return ["docker.io", "registry-1.docker.io"].contains(text) ? "index.docker.io" : text
    }

    /// What a credential helper is asked for: the host, or Docker Hub's historical URL.
    static func serverURL(_ host: String) -> String {
        host == "index.docker.io" ? "https://index.docker.io/v1/" : host
    }
}
