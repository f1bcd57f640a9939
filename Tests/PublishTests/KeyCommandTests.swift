import Foundation
import Testing
import TestSupport

/// `ecr-publish generate-key-pair`: files cosign and an independent reader accept, private
/// key readable by its owner only, nothing overwritten without --force, no passphrase asked
/// for without a terminal.
@Suite struct KeyCommandTests {
    @Test func writesAPairAnIndependentImplementationOpens() throws {
        let directory = try TemporaryDirectory("keypair")
        let prefix = directory.file("release")
        let passphrase = "pw-\(UUID().uuidString)"
        SecretLedger.record(passphrase)
        let result = try Tool.run(Paths.executable, ["generate-key-pair", "--output-prefix", prefix], environment: ["COSIGN_PASSWORD": passphrase])
        #expect(result.status == 0, "\(result.stderr)")
        SecretScan.check(result, against: [passphrase])
        let attributes = try FileManager.default.attributesOfItem(atPath: prefix + ".key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let opened = try Tool.check("python3", [Paths.repositoryRoot + "/Tests/Crypto/independent.py", "open-cosign-key", prefix + ".key"],
                                    environment: ["COSIGN_PASSWORD": passphrase])
        #expect(opened.stdout == (try String(contentsOfFile: prefix + ".pub", encoding: .utf8)))
        let key = try String(contentsOfFile: prefix + ".key", encoding: .utf8)

        let again = try Tool.run(Paths.executable, ["generate-key-pair", "--output-prefix", prefix], environment: ["COSIGN_PASSWORD": passphrase])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
        #expect(try String(contentsOfFile: prefix + ".key", encoding: .utf8) == key)
    }

    @Test func withoutPassphraseOrTerminalItRefuses() throws {
        let directory = try TemporaryDirectory("keypair")
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "COSIGN_PASSWORD")
        let result = try Tool.run(Paths.executable, ["generate-key-pair", "--output-prefix", directory.file("k")],
                                  environment: environment, replacingEnvironment: true)
        #expect(result.status == 2)
        #expect(result.stderr.contains("COSIGN_PASSWORD"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("k.key")))
    }
}
