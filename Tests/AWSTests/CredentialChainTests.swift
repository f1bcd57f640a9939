import AWS
import Foundation
import HTTP
import Testing
import TestSupport

/// Each source of the credential chain against a real server: moto's STS for roles and web
/// identity, the loopback ECS and IMDSv2 stand-ins of `Tests/Servers`.
@Suite(.serialized) struct CredentialChainTests {
    static let moto = Result(catching: { try MotoServer() })

    /// An environment with moto as every endpoint and nothing else configured.
    static func environment(_ home: TemporaryDirectory, _ extra: [String: String] = [:]) throws -> AWSEnvironment {
        let moto = try Self.moto.get()
        var variables = AWSTestEnvironment.clean(home: home.path)
        variables["AWS_ENDPOINT_URL"] = moto.endpoint
        variables["AWS_REGION"] = moto.region
        return AWSEnvironment(variables: variables.merging(extra) { $1 })
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func environmentVariables() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory()
        let context = try AWSContext(environment: Self.environment(home, [
            "AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey,
        ]))
        let credentials = try await context.credentials.credentials()
        #expect(credentials.source == "environment variables")
        #expect(try await context.sts().getCallerIdentity().arn.hasSuffix(":user/ci"))
    }

    @Test func halfConfiguredEnvironmentIsAnError() async throws {
        let home = try TemporaryDirectory()
        let context = try AWSContext(environment: Self.environment(home, ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"]))
        await #expect(throws: CredentialError.self) { try await context.credentials.credentials() }
    }

    @Test func profileWithStaticKeysAndRegion() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory()
        try Self.write("[ci]\naws_access_key_id = \(moto.accessKeyID)\naws_secret_access_key = \(moto.secretAccessKey)\n",
                       to: home.path + "/.aws/credentials")
        try Self.write("[profile ci]\nregion = eu-west-1\n", to: home.path + "/.aws/config")
        var environment = try Self.environment(home, ["AWS_PROFILE": "ci"])
        environment.variables["AWS_REGION"] = nil
        let context = try AWSContext(environment: environment)
        #expect(context.region == "eu-west-1")
        #expect(try await context.credentials.credentials().source == "profile 'ci'")
        #expect(try await context.sts().getCallerIdentity().account == "123456789012")
    }

    @Test func profileAssumesRoleWithSourceProfile() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory()
        try Self.write("[base]\naws_access_key_id = \(moto.accessKeyID)\naws_secret_access_key = \(moto.secretAccessKey)\n",
                       to: home.path + "/.aws/credentials")
        try Self.write("""
            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/deploy
            source_profile = base
            role_session_name = pipeline
            """, to: home.path + "/.aws/config")
        let context = try AWSContext(profile: "deploy", environment: Self.environment(home))
        let credentials = try await context.credentials.credentials()
        #expect(credentials.accessKeyID.hasPrefix("ASIA"))
        #expect(try await context.sts().getCallerIdentity().arn.hasSuffix("assumed-role/deploy/pipeline"))
    }

    @Test func profileCredentialProcess() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory()
        let script = home.file("creds.sh")
        try Self.write("#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"\(moto.accessKeyID)\",\"SecretAccessKey\":\"\(moto.secretAccessKey)\"}'\n", to: script)
        try Tool.check("chmod", ["+x", script])
        try Self.write("[default]\ncredential_process = \(script)\n", to: home.path + "/.aws/config")
        let context = try AWSContext(environment: Self.environment(home))
        #expect(try await context.sts().getCallerIdentity().arn.hasSuffix(":user/ci"))
        try Self.write("[default]\ncredential_process = /bin/false\n", to: home.path + "/.aws/config")
        let failing = try AWSContext(environment: Self.environment(home))
        await #expect(throws: CredentialError.self) { try await failing.credentials.credentials() }
    }

    @Test func webIdentityAgainstMotoSTS() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory()
        try Self.write("eyJhbGciOiJSUzI1NiJ9.github-oidc-token.signature", to: home.file("token"))
        let context = try AWSContext(environment: Self.environment(home, [
            "AWS_WEB_IDENTITY_TOKEN_FILE": home.file("token"),
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/github-actions",
            "AWS_ROLE_SESSION_NAME": "gha-run",
        ]))
        // AssumeRoleWithWebIdentity is unsigned on AWS; moto needs telling.
        try moto.allowNextUnsignedRequest()
        let credentials = try await context.credentials.credentials()
        #expect(credentials.accessKeyID.hasPrefix("ASIA"))
        #expect(credentials.source.contains("github-actions"))
        #expect(try await context.sts().getCallerIdentity().arn.hasSuffix("assumed-role/github-actions/gha-run"))
    }

    @Test func containerCredentialsWithAuthorizationToken() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory()
        let server = try TestServers.start("ecs_credentials_server.py", [
            "--access-key-id", moto.accessKeyID, "--secret-access-key", moto.secretAccessKey,
            "--session-token", "", "--authorization", "Bearer container-token", "--path", "/v2/credentials/abc",
        ])
        try Self.write("Bearer container-token", to: home.file("auth"))
        let context = try AWSContext(environment: Self.environment(home, [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(server.baseURL)/v2/credentials/abc",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": home.file("auth"),
        ]))
        #expect(try await context.credentials.credentials().source == "container credentials")
        #expect(try await context.sts().getCallerIdentity().arn.hasSuffix(":user/ci"))

        let wrongToken = try AWSContext(environment: Self.environment(home, [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(server.baseURL)/v2/credentials/abc",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer wrong",
        ]))
        await #expect(throws: CredentialError.self) { try await wrongToken.credentials.credentials() }
    }

    @Test func containerFullURIMustBeLocalOrHTTPS() async throws {
        let home = try TemporaryDirectory()
        let context = try AWSContext(environment: Self.environment(home, [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://198.51.100.7/creds",
        ]))
        await #expect(throws: CredentialError.self) { try await context.credentials.credentials() }
    }

    @Test func instanceMetadataV2() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory()
        let server = try TestServers.start("imds_server.py", [
            "--access-key-id", moto.accessKeyID, "--secret-access-key", moto.secretAccessKey, "--session-token", "",
        ])
        var environment = try Self.environment(home, ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL])
        environment.variables["AWS_EC2_METADATA_DISABLED"] = nil
        let context = try AWSContext(environment: environment)
        let credentials = try await context.credentials.credentials()
        #expect(credentials.source == "EC2 instance role ci-role")
        #expect(try await context.sts().getCallerIdentity().arn.hasSuffix(":user/ci"))
    }

    @Test func expiringCredentialsAreRefreshed() async throws {
        let home = try TemporaryDirectory()
        // Credentials that expire in 2 minutes: inside the 5-minute refresh margin, so every
        // use fetches new ones (the server hands out -1, -2, …).
        let server = try TestServers.start("imds_server.py", ["--access-key-id", "ASIAROTATING", "--rotate", "--expires-in", "120"])
        var environment = try Self.environment(home, ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL])
        environment.variables["AWS_EC2_METADATA_DISABLED"] = nil
        let context = try AWSContext(environment: environment)
        let first = try await context.credentials.credentials()
        let second = try await context.credentials.credentials()
        #expect(first.accessKeyID != second.accessKeyID)

        let stable = try TestServers.start("imds_server.py", ["--access-key-id", "ASIASTABLE", "--rotate", "--expires-in", "3600"])
        var stableEnvironment = try Self.environment(home, ["AWS_EC2_METADATA_SERVICE_ENDPOINT": stable.baseURL])
        stableEnvironment.variables["AWS_EC2_METADATA_DISABLED"] = nil
        let cached = try AWSContext(environment: stableEnvironment)
        let one = try await cached.credentials.credentials()
        let two = try await cached.credentials.credentials()
        #expect(one.accessKeyID == two.accessKeyID, "valid credentials are cached")
    }

    @Test func missingCredentialsListWhereTheChainLooked() async throws {
        let home = try TemporaryDirectory()
        let context = try AWSContext(environment: Self.environment(home))
        await #expect {
            try await context.credentials.credentials()
        } throws: { error in
            guard case CredentialError.notFound(let places) = error else { return false }
            let text = String(describing: error)
            let expected = ["AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE", "profile 'default'", "container", "instance metadata"]
            return places.count == 6 && expected.allSatisfy { text.contains($0) }
        }
    }

    @Test func regionIsRequired() throws {
        let home = try TemporaryDirectory()
        var environment = try Self.environment(home)
        environment.variables["AWS_REGION"] = nil
        #expect(throws: AWSConfigurationError.noRegion) { try AWSContext(environment: environment) }
    }
}
