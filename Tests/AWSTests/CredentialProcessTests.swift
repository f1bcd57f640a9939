import AWS
import Foundation
import Testing
import TestSupport

/// `credential_process` by the SDKs' rules: version 1, unexpired, stderr of a failure shown.
extension CredentialChainTests {
    @Test func credentialProcessRules() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory()
        func outcome(_ json: String, stderr: String = "", status: Int = 0) async throws -> String {
            let script = home.file("process-\(UUID().uuidString).sh")
            try Self.write("#!/bin/sh\necho '\(json)'\necho '\(stderr)' >&2\nexit \(status)\n", to: script)
            try Tool.check("chmod", ["+x", script])
            try Self.write("[default]\ncredential_process = \(script)\n", to: home.path + "/.aws/config")
            do {
                return try await AWSContext(environment: Self.environment(home)).credentials.credentials().source
            } catch {
                return String(describing: error)
            }
        }
        let keys = "\"AccessKeyId\":\"\(moto.accessKeyID)\",\"SecretAccessKey\":\"\(moto.secretAccessKey)\""
        #expect(try await outcome("{\"Version\":1,\(keys),\"Expiration\":\"2099-01-01T00:00:00Z\"}") == "profile 'default' credential_process")
        #expect(try await outcome("{\"Version\":1,\(keys),\"Expiration\":\"2020-01-01T00:00:00Z\"}").contains("expired at 2020-01-01"))
        #expect(try await outcome("{\"Version\":2,\(keys)}").contains("\"Version\": 2"))
        #expect(try await outcome("{\(keys)}").contains("no \"Version\": 1"))
        let failed = try await outcome("{}", stderr: "token for role X expired; run login", status: 3)
        #expect(failed.contains("status 3: token for role X expired; run login"))
        let long = try await outcome("{}", stderr: String(repeating: "x", count: 5000), status: 1)
        #expect(long.count < 1300 && long.hasSuffix("…"))
        #expect(!(try await outcome("{\"Version\":1,\(keys),\"Expiration\":\"2020-01-01T00:00:00Z\"}")).contains(moto.secretAccessKey))
    }
}
