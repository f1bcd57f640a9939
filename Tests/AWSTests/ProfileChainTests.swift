import AWS
import Foundation
import Testing
import TestSupport

/// The chain's order and the profile rules the SDKs share, against moto's STS with
/// signature checks (in `CredentialChainTests`' serialized suite: web identity calls use
/// moto's one-shot unsigned allowance).
extension CredentialChainTests {
    /// Static keys of moto's user in `[name]` of the credentials file.
    static func keys(_ name: String) throws -> String {
        let moto = try Self.moto.get()
        return "[\(name)]\naws_access_key_id = \(moto.accessKeyID)\naws_secret_access_key = \(moto.secretAccessKey)\n"
    }

    @Test func missingAWSProfileIsAnErrorEvenWithEnvironmentKeys() throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory()
        try Self.write(Self.keys("default"), to: home.path + "/.aws/credentials")
        for variable in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
            let environment = try Self.environment(home, [
                variable: "prdo", "AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey,
            ])
            #expect {
                try AWSContext(environment: environment)
            } throws: { error in
                guard case AWSConfigurationError.noSuchProfile(let name, _) = error else { return false }
                return name == "prdo" && String(describing: error).contains("typo")
            }
        }
        #expect(throws: AWSConfigurationError.self) { try AWSContext(profile: "prdo", environment: Self.environment(home)) }
    }
}
