import Foundation

/// `moto_server` (ECR, STS, KMS, IAM, DynamoDB, S3, SNS, SQS on one port) with SigV4
/// checking on: the first three requests create an IAM user with an allow-all policy and an
/// access key; from then on moto recomputes every signature (shared/design/TESTBED.md).
public final class MotoServer: @unchecked Sendable {
    public let server: ServerProcess
    public let accessKeyID: String
    public let secretAccessKey: String
    public let account = "123456789012"
    public let region = "us-east-1"

    /// - Parameter checkSignatures: false starts moto without authentication (for tests of
    ///   the HTTP layer that need a real server, not AWS semantics).
    public init(checkSignatures: Bool = true) throws {
        let port = try FreePort.pick()
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        if checkSignatures { environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3" }
        server = try ServerProcess.start("moto_server", ["-H", "127.0.0.1", "-p", String(port)], port: port, environment: environment)
        guard checkSignatures else {
            accessKeyID = "AKIDEXAMPLE"
            secretAccessKey = "not-checked"
            return
        }
        let bootstrap = try Tool.check("python3", [TestServers.script("moto_bootstrap.py"), "--endpoint", server.baseURL],
                                       environment: AWSTestEnvironment.clean(), replacingEnvironment: true)
        struct Keys: Decodable { var AccessKeyId: String; var SecretAccessKey: String }
        let keys = try JSONDecoder().decode(Keys.self, from: bootstrap.stdoutData)
        accessKeyID = keys.AccessKeyId
        secretAccessKey = keys.SecretAccessKey
        SecretLedger.record(secretAccessKey)
    }

    public var endpoint: String { server.baseURL }

    /// Lets the next single request through unsigned (moto's `reset-auth`), as STS
    /// AssumeRoleWithWebIdentity is on AWS.
    public func allowNextUnsignedRequest() throws {
        try Tool.check("curl", ["-sf", "-X", "POST", "-H", "Content-Type: text/plain", "--data", "1",
                                "\(endpoint)/moto-api/reset-auth"])
    }

    /// Environment for a process that should reach moto with the given credentials.
    public func environment(home: String, secret: String? = nil, extra: [String: String] = [:]) -> [String: String] {
        var environment = AWSTestEnvironment.clean(home: home)
        environment["AWS_ACCESS_KEY_ID"] = accessKeyID
        environment["AWS_SECRET_ACCESS_KEY"] = secret ?? secretAccessKey
        environment["AWS_ENDPOINT_URL"] = endpoint
        environment["AWS_REGION"] = region
        environment["AWS_DEFAULT_REGION"] = region
        return environment.merging(extra) { $1 }
    }

    /// Runs the AWS CLI against moto with the right key (an independent reader).
    @discardableResult
    public func aws(_ arguments: [String], home: String) throws -> ToolResult {
        try Tool.check("aws", ["--endpoint-url", endpoint, "--output", "json"] + arguments,
                       environment: environment(home: home), replacingEnvironment: true)
    }

    /// Creates a KMS signing key (`ECC_NIST_P256`, `RSA_2048`, …) with the AWS CLI; returns its id.
    public func createSigningKey(spec: String, home: String) throws -> String {
        let created = try aws(["kms", "create-key", "--key-spec", spec, "--key-usage", "SIGN_VERIFY"], home: home)
        struct Output: Decodable { struct Metadata: Decodable { var KeyId: String }; var KeyMetadata: Metadata }
        return try JSONDecoder().decode(Output.self, from: created.stdoutData).KeyMetadata.KeyId
    }
}

/// A process environment with nothing of the machine's AWS setup in it.
public enum AWSTestEnvironment {
    public static func clean(home: String? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        if let home {
            environment["HOME"] = home
            environment["AWS_CONFIG_FILE"] = home + "/.aws/config"
            environment["AWS_SHARED_CREDENTIALS_FILE"] = home + "/.aws/credentials"
        }
        // Never let a test reach for the real instance metadata address.
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        return environment
    }
}
