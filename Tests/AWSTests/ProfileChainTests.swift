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

    @Test func profileWithOnlyRegionFallsThroughToInstanceCredentials() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory()
        try Self.write("[default]\nregion = eu-west-1\n", to: home.path + "/.aws/config")
        let server = try TestServers.start("imds_server.py", [
            "--access-key-id", moto.accessKeyID, "--secret-access-key", moto.secretAccessKey, "--session-token", "",
        ])
        var environment = try Self.environment(home, ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL])
        environment.variables["AWS_EC2_METADATA_DISABLED"] = nil
        environment.variables["AWS_REGION"] = nil
        let context = try AWSContext(environment: environment)
        #expect(context.region == "eu-west-1")
        #expect(try await context.credentials.credentials().source == "EC2 instance role ci-role")
    }

    @Test func sourceProfileStaticKeysWinOverItsOwnRole() async throws {
        let home = try TemporaryDirectory()
        // base's own role_arn has no source: assuming it first would fail.
        try Self.write(Self.keys("base") + "role_arn = arn:aws:iam::123456789012:role/never\n", to: home.path + "/.aws/credentials")
        try Self.write("[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = base\nrole_session_name = s1\n",
                       to: home.path + "/.aws/config")
        let context = try AWSContext(environment: Self.environment(home, ["AWS_PROFILE": "deploy"]))
        #expect(try await context.sts().getCallerIdentity().arn.hasSuffix("assumed-role/deploy/s1"))
    }

    @Test func sourceProfileAndCredentialSourceTogetherAreAnError() async throws {
        let home = try TemporaryDirectory()
        try Self.write(Self.keys("base"), to: home.path + "/.aws/credentials")
        try Self.write("""
            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/deploy
            source_profile = base
            credential_source = Environment
            """, to: home.path + "/.aws/config")
        let context = try AWSContext(environment: Self.environment(home, ["AWS_PROFILE": "deploy"]))
        await #expect {
            try await context.credentials.credentials()
        } throws: { error in
            String(describing: error).contains("both source_profile and credential_source")
        }
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

    /// botocore: environment keys, the profile's role, web identity, the profile's keys.
    @Test func webIdentityVariablesComeBetweenAProfilesRoleAndItsKeys() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory()
        try Self.write("token", to: home.file("token"))
        try Self.write(Self.keys("keys") + Self.keys("base"), to: home.path + "/.aws/credentials")
        try Self.write("[profile role]\nrole_arn = arn:aws:iam::123456789012:role/from-profile\nsource_profile = base\nrole_session_name = prof\n",
                       to: home.path + "/.aws/config")
        let webIdentity = [
            "AWS_WEB_IDENTITY_TOKEN_FILE": home.file("token"), "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/oidc",
            "AWS_ROLE_SESSION_NAME": "web",
        ]
        let keysProfile = try AWSContext(environment: Self.environment(home, webIdentity.merging(["AWS_PROFILE": "keys"]) { $1 }))
        try moto.allowNextUnsignedRequest()
        #expect(try await keysProfile.sts().getCallerIdentity().arn.hasSuffix("assumed-role/oidc/web"))

        let roleProfile = try AWSContext(environment: Self.environment(home, webIdentity.merging(["AWS_PROFILE": "role"]) { $1 }))
        #expect(try await roleProfile.sts().getCallerIdentity().arn.hasSuffix("assumed-role/from-profile/prof"))

        // --profile turns the variables off: the profile's keys sign.
        let explicit = try AWSContext(profile: "keys", environment: Self.environment(home, webIdentity))
        #expect(try await explicit.credentials.credentials().source == "profile 'keys'")
    }
}
