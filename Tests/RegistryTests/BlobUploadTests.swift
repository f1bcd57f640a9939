import Crypto
import Foundation
import HTTP
import OCI
import Registry
import Testing
import TestSupport

/// Blob uploads against a real registry (distribution 2.8, TLS, htpasswd), directly and
/// through `fault_proxy.py --ecr`, which answers as ECR's registry endpoint does.
@Suite struct BlobUploadTests {
    static let registry = Result(catching: { () throws -> RegistryServer in
        let registry = try RegistryServer(tls: true)
        SecretLedger.record(registry.password)
        return registry
    })

    static func client(_ endpoint: String, chunkSize: Int64 = 5 << 20) throws -> RegistryClient {
        let registry = try registry.get()
        var configuration = HTTPClientConfiguration()
        configuration.caFile = registry.caFile
        let http = RetryingHTTPClient(
            wrapping: CurlHTTPClient(configuration: configuration, environment: [:]),
            policy: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10)))
        var client = RegistryClient(
            endpoint: URL(string: endpoint)!, http: http,
            authorizer: BasicAuthorizer(username: registry.username, password: registry.password))
        client.chunkSize = chunkSize
        return client
    }

    /// A file of `size` pseudo-random bytes and its descriptor.
    static func blob(size: Int, seed: UInt64) throws -> (path: String, descriptor: Descriptor, directory: TemporaryDirectory) {
        let directory = try TemporaryDirectory("blob")
        var generator = SplitMix(state: seed)
        let bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let path = directory.file("blob")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let descriptor = Descriptor(mediaType: MediaType.ociLayerGzip, digest: SHA256Hasher.digest(bytes), size: Int64(size))
        return (path, descriptor, directory)
    }

    /// The sha256 of the blob as the registry serves it (read with curl, not our client).
    static func servedDigest(_ descriptor: Descriptor, repository: String) throws -> String {
        let registry = try registry.get()
        let result = try Tool.check("bash", ["-c", "curl -sf --cacert \"$0\" -u \"$1\" \"$2\" | sha256sum | cut -d' ' -f1",
                                             registry.caFile, "\(registry.username):\(registry.password)",
                                             "\(registry.baseURL)/v2/\(repository)/blobs/\(descriptor.digest)"])
        return "sha256:" + result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct LogLine: Decodable, Equatable {
        var method: String
        var path: String
        var status: Int
        var length: Int
    }

    static func log(_ path: String) throws -> [LogLine] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONDecoder().decode(LogLine.self, from: Data($0.utf8)) }
    }

    @Test func smallBlobsGoInOnePutAndExistAfterwards() async throws {
        let registry = try Self.registry.get()
        let client = try Self.client(registry.baseURL)
        let (path, descriptor, directory) = try Self.blob(size: 300_000, seed: 1)
        defer { withExtendedLifetime(directory) {} }
        #expect(try await client.blobExists(descriptor.digest, in: "blobs/small") == false)
        try await client.uploadBlob(descriptor, content: .file(path: path), to: "blobs/small")
        #expect(try await client.blobExists(descriptor.digest, in: "blobs/small"))
        #expect(try Self.servedDigest(descriptor, repository: "blobs/small") == descriptor.digest.description)
    }

    @Test func largeBlobsGoInPartsECRAccepts() async throws {
        let registry = try Self.registry.get()
        let (proxy, log) = try registry.ecrProxy()
        let client = try Self.client("https://127.0.0.1:\(proxy.port)")
        let size = (5 << 20) * 2 + 1_234_567
        let (path, descriptor, directory) = try Self.blob(size: size, seed: 2)
        defer { withExtendedLifetime(directory) {} }
        try await client.uploadBlob(descriptor, content: .file(path: path), to: "blobs/large")
        #expect(try Self.servedDigest(descriptor, repository: "blobs/large") == descriptor.digest.description)
        let patches = try Self.log(log).filter { $0.method == "PATCH" }
        #expect(patches.map(\.length) == [5 << 20, 5 << 20, 1_234_567], "every part but the last ≥ 5 MiB")
        #expect(patches.allSatisfy { $0.status == 201 }, "ECR answers a part with 201")
    }

    @Test func thePartRuleIsReallyEnforcedByTheProxy() async throws {
        let registry = try Self.registry.get()
        let (proxy, _) = try registry.ecrProxy()
        let client = try Self.client("https://127.0.0.1:\(proxy.port)", chunkSize: 1 << 20)
        let (path, descriptor, directory) = try Self.blob(size: 3 << 20, seed: 3)
        defer { withExtendedLifetime(directory) {} }
        await #expect {
            try await client.uploadBlob(descriptor, content: .file(path: path), to: "blobs/tiny-parts")
        } throws: { error in
            guard case RegistryError.unexpectedAnswer(_, _, 400, "PART_TOO_SMALL", _) = error else { return false }
            return true
        }
    }

    @Test func throttlingServerErrorsAndAResetMidPartStillEndWithTheRightBlob() async throws {
        let registry = try Self.registry.get()
        let (proxy, log) = try registry.ecrProxy([
            "--ecr-throttle-every", "5", "--ecr-error-every", "11", "--ecr-reset-patch", "2",
        ])
        let client = try Self.client("https://127.0.0.1:\(proxy.port)")
        let (path, descriptor, directory) = try Self.blob(size: (5 << 20) * 3 + 99, seed: 4)
        defer { withExtendedLifetime(directory) {} }
        do {
            try await client.uploadBlob(descriptor, content: .file(path: path), to: "blobs/faulty")
        } catch {
            Issue.record("\(error); the proxy saw \(try Self.log(log).map { "\($0.method) \($0.status)" })")
            return
        }
        #expect(try Self.servedDigest(descriptor, repository: "blobs/faulty") == descriptor.digest.description)
        let lines = try Self.log(log)
        #expect(lines.contains { $0.status == 429 } && lines.contains { $0.status == 500 } && lines.contains { $0.status == 0 },
                "every fault happened: \(lines.map(\.status))")
    }

    @Test func aWrongDigestIsAnErrorNotASilentPass() async throws {
        let registry = try Self.registry.get()
        let client = try Self.client(registry.baseURL)
        let (path, descriptor, directory) = try Self.blob(size: 10_000, seed: 5)
        defer { withExtendedLifetime(directory) {} }
        var wrong = descriptor
        wrong.digest = SHA256Hasher.digest(Array("something else".utf8))
        await #expect {
            try await client.uploadBlob(wrong, content: .file(path: path), to: "blobs/wrong")
        } throws: { error in
            guard case RegistryError.digestMismatch = error else { return false }
            return !String(describing: error).contains(registry.password)
        }
        #expect(try await client.blobExists(wrong.digest, in: "blobs/wrong") == false)
    }
}

extension BlobUploadTests {
    static let plainRegistry = Result(catching: { () throws -> RegistryServer in
        let registry = try RegistryServer(tls: false)
        SecretLedger.record(registry.password)
        return registry
    })

    /// An upload location on another origin (here `localhost` instead of `127.0.0.1`: the
    /// same server, which then asks for credentials) gets no `Authorization` header.
    @Test func credentialsNeverFollowAnUploadLocationToAnotherOrigin() async throws {
        let registry = try Self.plainRegistry.get()
        let (proxy, log) = try registry.ecrProxy(["--ecr-location-host", "localhost"])
        var client = RegistryClient(
            endpoint: URL(string: "http://127.0.0.1:\(proxy.port)")!,
            http: RetryingHTTPClient(wrapping: CurlHTTPClient(configuration: HTTPClientConfiguration(), environment: [:]), policy: .none),
            authorizer: BasicAuthorizer(username: registry.username, password: registry.password))
        client.uploadSessions = 1
        let (path, descriptor, directory) = try Self.blob(size: 1000, seed: 6)
        defer { withExtendedLifetime(directory) {} }
        await #expect {
            try await client.uploadBlob(descriptor, content: .file(path: path), to: "blobs/origin")
        } throws: { error in
            guard case RegistryError.unauthorized(_, _, 401, _) = error else { return false }
            return true
        }
        // The POST (with credentials, to the registry's origin) worked; the PUT to the other
        // origin went without them and was refused.
        #expect(try Self.log(log).map { "\($0.method) \($0.status)" } == ["POST 202", "PUT 401"])
    }
}
