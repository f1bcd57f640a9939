import Foundation
import Testing
import TestSupport

/// A registry with token auth (distribution 2.8 `auth: token`, TLS) and its token service
/// (`Tests/Servers/token_server.py`, ES256 tokens the registry verifies against the
/// service's certificate): `publish` to it under a name that is not ECR, with the Docker
/// config file's credentials, follows the Bearer challenge; skopeo, logging in on its own,
/// reads back the digest.
@Suite(.serialized) struct BearerAuthTests {
    /// The registry, its token service and the token requests' log.
    final class TokenWorld: @unchecked Sendable {
        let directory: TemporaryDirectory
        let tokens: ServerProcess
        let registry: ServerProcess
        let user = "ci-user", password = "token-world-password", refreshToken = "token-world-refresh-token"
        let tokenLog: String

        init() throws {
            directory = try TemporaryDirectory("token-world")
            let root = directory.path
            for name in ["tls", "signing"] {
                try Tool.check("openssl", [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", "\(root)/\(name)-key.pem", "-out", "\(root)/\(name)-cert.pem",
                ])
            }
            tokenLog = root + "/tokens.log"
            tokens = try TestServers.start("token_server.py", [
                "--key", root + "/signing-key.pem", "--cert", root + "/signing-cert.pem", "--user", user, "--password", password,
                "--refresh-token", refreshToken, "--log", tokenLog,
            ])
            let port = try FreePort.pick()
            try """
                version: 0.1
                log: {level: warn}
                storage:
                  filesystem: {rootdirectory: \(root)/data}
                http:
                  addr: 127.0.0.1:\(port)
                  tls: {certificate: \(root)/tls-cert.pem, key: \(root)/tls-key.pem}
                auth:
                  token:
                    realm: http://127.0.0.1:\(tokens.port)/token
                    service: test-registry
                    issuer: test-token-issuer
                    rootcertbundle: \(root)/signing-cert.pem
                """.write(toFile: root + "/config.yml", atomically: true, encoding: .utf8)
            registry = try ServerProcess.start("docker-registry", ["serve", root + "/config.yml"], port: port)
        }

        var endpoint: String { "https://127.0.0.1:\(registry.port)" }
        var caFile: String { directory.file("tls-cert.pem") }

        /// The token requests so far: method, whether each carried credentials, and its scopes.
        func tokenRequests() throws -> [(method: String, authorized: Bool, scopes: [String])] {
            let text = (try? String(contentsOfFile: tokenLog, encoding: .utf8)) ?? ""
            return try text.split(separator: "\n").map { line in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                return (object["method"] as? String ?? "", object["authorization"] as? Bool ?? false, object["scopes"] as? [String] ?? [])
            }
        }

        func skopeoDigest(_ reference: String) throws -> String {
            let certs = directory.file("certs.d")
            try? FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
            try? FileManager.default.copyItem(atPath: caFile, toPath: certs + "/ca.crt")
            let raw = try Tool.check("skopeo", ["inspect", "--raw", "--creds", "\(user):\(password)", "--cert-dir", certs,
                                                "docker://127.0.0.1:\(registry.port)/\(reference)"])
            return "sha256:" + (try Tool.run("bash", ["-c", "sha256sum | cut -d' ' -f1"], stdin: raw.stdout).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    static let world = Result(catching: { () throws -> TokenWorld in
        let world = try TokenWorld()
        SecretLedger.record(world.password)
        SecretLedger.record(world.refreshToken)
        return world
    })

    static let registryName = "registry.example.test"

    /// `publish` of the fixture to the token world as `registryName/repository:tag`, with
    /// `config` as the Docker config file.
    static func publish(repository: String, tag: String, config: String?) throws -> ToolResult {
        let world = try world.get()
        let home = try TemporaryDirectory("bearer-home")
        if let config {
            try FileManager.default.createDirectory(atPath: home.file(".docker"), withIntermediateDirectories: true)
            try config.write(toFile: home.file(".docker/config.json"), atomically: true, encoding: .utf8)
        }
        var environment = AWSTestEnvironment.clean(home: home.path)
        environment["DOCKER_CONFIG"] = nil
        let result = try Tool.run(Paths.executable, [
            "publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", repository, "--registry", registryName,
            "--registry-endpoint", world.endpoint, "--ca-file", world.caFile, "--tag", tag, "--json",
        ], environment: environment, replacingEnvironment: true)
        SecretScan.check(result, against: [world.password, world.refreshToken,
                                           Data("\(world.user):\(world.password)".utf8).base64EncodedString()])
        return result
    }

    @Test func aPushFollowsTheBearerChallengeWithTheDockerConfigsCredentials() throws {
        let world = try Self.world.get()
        let auth = Data("\(world.user):\(world.password)".utf8).base64EncodedString()
        let before = try world.tokenRequests().count
        let result = try Self.publish(repository: "team/bearer", tag: "1", config: #"{"auths": {"\#(Self.registryName)": {"auth": "\#(auth)"}}}"#)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let digest = try #require((report["manifest"] as? [String: Any])?["digest"] as? String)
        let requests = try world.tokenRequests().dropFirst(before)
        #expect(try world.skopeoDigest("team/bearer:1") == digest)
        #expect(!requests.isEmpty && requests.allSatisfy(\.authorized), "every token request carried the credentials")
        #expect(requests.contains { $0.scopes.contains("repository:team/bearer:pull,push") },
                "distribution lists a challenge's actions in any order; the token asks for them sorted: \(requests)")
    }

    @Test func withoutCredentialsTheTokenServiceRefusesAndTheRunSaysSo() throws {
        let result = try Self.publish(repository: "team/anonymous", tag: "1", config: nil)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("get a token for \(Self.registryName)"), "\(result.stderr)")
    }

    @Test func anIdentityTokenIsExchangedForAnAccessToken() throws {
        let world = try Self.world.get()
        let before = try world.tokenRequests().count
        let result = try Self.publish(repository: "team/identity", tag: "1",
                                      config: #"{"auths": {"\#(Self.registryName)": {"identitytoken": "\#(world.refreshToken)"}}}"#)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let digest = try #require((report["manifest"] as? [String: Any])?["digest"] as? String)
        let requests = try world.tokenRequests().dropFirst(before)
        #expect(try world.skopeoDigest("team/identity:1") == digest)
        #expect(!requests.isEmpty && requests.allSatisfy { $0.method == "POST" && !$0.authorized },
                "the refresh token goes in the form, never as Basic: \(requests)")
        #expect(requests.contains { $0.scopes.contains("repository:team/identity:pull,push") },
                "distribution lists a challenge's actions in any order; the token asks for them sorted: \(requests)")
    }
}
