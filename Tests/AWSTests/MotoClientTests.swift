import AWS
import Foundation
import HTTP
import Testing
import TestSupport

/// Every client call against moto with signature checking on: the right key works, a
/// wrong secret is an authentication failure.
@Suite(.serialized) struct MotoClientTests {
    static let moto = Result(catching: { try MotoServer() })

    static func context(secret: String? = nil) throws -> AWSContext {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("home")
        let environment = AWSEnvironment(variables: moto.environment(home: home.path, secret: secret))
        return try AWSContext(environment: environment)
    }

    @Test func stsCallerIdentity() async throws {
        let identity = try await Self.context().sts().getCallerIdentity()
        #expect(identity.account == "123456789012")
        #expect(identity.arn == "arn:aws:iam::123456789012:user/ci")
    }

    @Test func stsAssumeRole() async throws {
        let context = try Self.context()
        let credentials = try await context.sts().assumeRole(
            roleARN: "arn:aws:iam::123456789012:role/deploy", sessionName: "test")
        #expect(credentials.accessKeyID.hasPrefix("ASIA"))
        #expect(credentials.sessionToken != nil)
        #expect(credentials.expiration != nil)
        let assumed = STSClient(http: context.http, credentials: StaticCredentialProvider(credentials),
                                region: context.region, endpoint: try context.endpoint(.sts))
        #expect(try await assumed.getCallerIdentity().arn.contains("assumed-role/deploy/test"))
    }

    @Test func ecrRepositoryLifecycle() async throws {
        let ecr = try Self.context().ecr()
        let name = "moto/client-\(UUID().uuidString.prefix(8).lowercased())"
        #expect(try await ecr.describeRepository(name) == nil)
        var settings = ECR.RepositorySettings()
        settings.tagMutability = .immutableWithExclusion
        settings.mutabilityExclusions = ["sha256-*"]
        settings.scanOnPush = true
        settings.tags = ["team": "platform"]
        let created = try await ecr.createRepository(name, settings: settings)
        #expect(created.repositoryName == name)
        let described = try #require(try await ecr.describeRepository(name))
        #expect(described.imageTagMutability == .immutableWithExclusion)
        #expect(described.imageScanningConfiguration?.scanOnPush == true)

        let lifecycle = #"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":50},"action":{"type":"expire"}}]}"#
        try await ecr.putLifecyclePolicy(name, policy: lifecycle)
        #expect(try await ecr.getLifecyclePolicy(name)?.contains("imageCountMoreThan") == true)
        let policy = #"{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["ecr:BatchGetImage"]}]}"#
        try await ecr.setRepositoryPolicy(name, policy: policy)
        #expect(try await ecr.getRepositoryPolicy(name)?.contains("ecr:BatchGetImage") == true)
        try await ecr.putImageTagMutability(name, .mutable, exclusions: [])
        try await ecr.putImageScanningConfiguration(name, scanOnPush: false)
        #expect(try await ecr.describeRepository(name)?.imageTagMutability == .mutable)

        let manifest = #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#
        _ = try await ecr.putImage(name, manifest: manifest, mediaType: "application/vnd.oci.image.manifest.v1+json", tag: "v1", digest: nil)
        let images = try await ecr.describeImages(name)
        #expect(images.contains { $0.imageTags?.contains("v1") == true })
        let fetched = try await ecr.batchGetImage(name, ids: [.init(tag: "v1")], acceptedMediaTypes: ["application/vnd.oci.image.manifest.v1+json"])
        #expect(fetched.images.first?.imageManifest?.contains("schemaVersion") == true)
    }

    @Test func ecrAuthorizationToken() async throws {
        let data = try await Self.context().ecr().getAuthorizationToken()
        #expect(data.proxyEndpoint.contains("dkr.ecr.us-east-1.amazonaws.com"))
        #expect(data.credentials()?.user == "AWS")
    }

    @Test func kmsSignVerifiedByOpenSSL() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("kms")
        let keyID = try moto.createSigningKey(spec: "ECC_NIST_P256", home: home.path)
        let kms = try Self.context().kms()
        let message = Array("payload to sign".utf8)
        let signature = try await kms.sign(keyID: keyID, message: message)
        let publicKey = try await kms.getPublicKey(keyID: keyID)
        // Independent check: openssl verifies the DER signature with the DER public key.
        try Data(message).write(to: URL(fileURLWithPath: home.file("message")))
        try Data(signature).write(to: URL(fileURLWithPath: home.file("signature.der")))
        try Data(publicKey.der).write(to: URL(fileURLWithPath: home.file("public.der")))
        try Tool.check("openssl", ["pkey", "-pubin", "-inform", "DER", "-in", home.file("public.der"), "-out", home.file("public.pem")])
        let verify = try Tool.run("openssl", ["dgst", "-sha256", "-verify", home.file("public.pem"), "-signature", home.file("signature.der"), home.file("message")])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    @Test func wrongSecretIsAnAuthenticationFailureForEveryService() async throws {
        let context = try Self.context(secret: "definitely-not-the-secret")
        var failures: [AWSServiceError] = []
        for call in [
            { _ = try await context.sts().getCallerIdentity() },
            { _ = try await context.ecr().describeRepository("anything") },
            { _ = try await context.ecr().getAuthorizationToken() },
            { _ = try await context.kms().getPublicKey(keyID: "alias/none") },
        ] as [@Sendable () async throws -> Void] {
            do {
                try await call()
                Issue.record("a call with a wrong secret succeeded")
            } catch let error as AWSServiceError {
                failures.append(error)
            }
        }
        #expect(failures.count == 4)
        for failure in failures {
            #expect(failure.isAuthenticationFailure, "\(failure)")
            #expect(failure.code == "SignatureDoesNotMatch")
            #expect(!failure.description.contains("definitely-not-the-secret"))
        }
    }
}
