import Foundation

/// Debian's `docker-registry` (distribution 2.8) with htpasswd Basic auth and, by default,
/// TLS with a self-signed certificate: the stand-in for an ECR registry endpoint. Its
/// credentials are exactly what moto's GetAuthorizationToken hands out
/// (`AWS:<account>-auth-token`), so the whole ECR auth flow is real.
public final class RegistryServer: @unchecked Sendable {
    public let server: ServerProcess
    public let directory: TemporaryDirectory
    public let usesTLS: Bool
    public let username = "AWS"
    public let password: String

    /// - Parameters:
    ///   - password: the one the registry accepts; the default is moto's token for account
    ///     123456789012, another one makes the registry refuse moto's token.
    ///   - accessLog: log every request (`level: info`), read back with ``requests``.
    public init(tls: Bool = true, password: String = "123456789012-auth-token", accessLog: Bool = false) throws {
        self.password = password
        directory = try TemporaryDirectory("registry")
        usesTLS = tls
        let port = try FreePort.pick()
        let root = directory.path
        if tls {
            try Tool.check("openssl", [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", root + "/key.pem", "-out", root + "/cert.pem",
            ])
        }
        let htpasswd = try Tool.check("htpasswd", ["-Bbn", username, password])
        try htpasswd.stdout.write(toFile: root + "/htpasswd", atomically: true, encoding: .utf8)
        let tlsLine = tls ? "\n  tls: {certificate: \(root)/cert.pem, key: \(root)/key.pem}" : ""
        let config = """
            version: 0.1
            log: {level: \(accessLog ? "info" : "warn")}
            storage:
              filesystem: {rootdirectory: \(root)/data}
              delete: {enabled: true}
            http:
              addr: 127.0.0.1:\(port)\(tlsLine)
            auth:
              htpasswd: {realm: basic-realm, path: \(root)/htpasswd}
            """
        try config.write(toFile: root + "/config.yml", atomically: true, encoding: .utf8)
        server = try ServerProcess.start("docker-registry", ["serve", root + "/config.yml"], port: port)
    }

    public var port: Int { server.port }

    /// Every request the registry's access log shows so far (with `accessLog`), in order:
    /// method and URI as distribution logs them.
    public var requests: [(method: String, uri: String)] {
        server.log.split(separator: "\n").compactMap { line in
            guard line.contains("response completed"),
                  let method = Self.field("http.request.method", in: line), let uri = Self.field("http.request.uri", in: line) else { return nil }
            return (method, uri)
        }
    }

    private static func field(_ name: String, in line: Substring) -> String? {
        guard let start = line.range(of: " \(name)=") else { return nil }
        var rest = line[start.upperBound...]
        if rest.hasPrefix("\"") {
            rest = rest.dropFirst()
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        return String(rest.prefix { $0 != " " })
    }
    public var baseURL: String { "\(usesTLS ? "https" : "http")://127.0.0.1:\(port)" }
    /// The self-signed certificate to trust.
    public var caFile: String { directory.path + "/cert.pem" }
    /// Its private key (a proxy in front of it can present the same certificate).
    public var keyFile: String { directory.path + "/key.pem" }

    /// `fault_proxy.py --ecr` in front of this registry, with the same certificate, and
    /// the file its per-request log goes to.
    public func ecrProxy(_ arguments: [String] = []) throws -> (proxy: ServerProcess, log: String) {
        let log = directory.path + "/ecr-proxy-\(UUID().uuidString).log"
        var all = ["--ecr", "--upstream", "127.0.0.1:\(port)", "--ecr-log", log] + arguments
        if usesTLS { all += ["--tls-cert", caFile, "--tls-key", keyFile, "--upstream-tls", "--upstream-cafile", caFile] }
        return (try TestServers.start("fault_proxy.py", all), log)
    }
    /// A directory holding the certificate as `ca.crt`, for skopeo's `--cert-dir`.
    public var certDirectory: String {
        let path = directory.path + "/certs.d"
        if !FileManager.default.fileExists(atPath: path + "/ca.crt") {
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try? FileManager.default.copyItem(atPath: caFile, toPath: path + "/ca.crt")
        }
        return path
    }

    /// `docker://127.0.0.1:PORT/REFERENCE`, for skopeo.
    public func dockerReference(_ reference: String) -> String { "docker://127.0.0.1:\(port)/\(reference)" }

    /// `skopeo inspect` options reaching this registry (credentials, its certificate).
    public var skopeoInspectOptions: [String] {
        ["--creds", "\(username):\(password)"] + (usesTLS ? ["--cert-dir", certDirectory] : ["--tls-verify=false"])
    }

    /// `skopeo copy` options for this registry as the source.
    public var skopeoSourceOptions: [String] {
        ["--src-creds", "\(username):\(password)"] + (usesTLS ? ["--src-cert-dir", certDirectory] : ["--src-tls-verify=false"])
    }

    /// `Authorization` header value for Basic auth.
    public var basicAuthorization: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }
}
