import Foundation
import HTTP
import StreamIO
import Testing
import TestSupport

/// The libcurl client against a real registry (docker-registry with TLS and Basic auth),
/// with faults injected by a TCP proxy in front of it where a real server cannot produce them.
@Suite struct CurlHTTPClientTests {
    static let registry = Result(catching: { try RegistryServer(tls: true) })
    static let plainRegistry = Result(catching: { try RegistryServer(tls: false) })

    static func client(caFile: String? = nil, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(20)),
                       configure: (inout HTTPClientConfiguration) -> Void = { _ in }) -> any HTTPClient {
        var configuration = HTTPClientConfiguration()
        configuration.caFile = caFile
        configure(&configuration)
        return RetryingHTTPClient(wrapping: CurlHTTPClient(configuration: configuration, environment: [:]), policy: retry)
    }

    static func get(_ url: String, authorization: String? = nil) -> HTTPRequest {
        var request = HTTPRequest(method: "GET", url: URL(string: url)!)
        if let authorization { request.headers.set("Authorization", authorization) }
        return request
    }

    @Test func tlsWithTheGivenCABundle() async throws {
        let registry = try Self.registry.get()
        let response = try await Self.client(caFile: registry.caFile)
            .execute(Self.get(registry.baseURL + "/v2/", authorization: registry.basicAuthorization))
        #expect(response.status == 200)
        #expect(response.headers["Docker-Distribution-API-Version"] == "registry/2.0")
        let challenge = try await Self.client(caFile: registry.caFile).execute(Self.get(registry.baseURL + "/v2/"))
        #expect(challenge.status == 401)
        #expect(challenge.headers["WWW-Authenticate"]?.hasPrefix("Basic") == true)
    }

    @Test func tlsHonoursSSLCertFile() async throws {
        let registry = try Self.registry.get()
        let client = CurlHTTPClient(configuration: HTTPClientConfiguration(), environment: ["SSL_CERT_FILE": registry.caFile])
        #expect(try await client.execute(Self.get(registry.baseURL + "/v2/")).status == 401)
    }

    @Test func untrustedCertificateFailsWithoutRetrying() async throws {
        let registry = try Self.registry.get()
        await #expect {
            try await Self.client(caFile: "/etc/ssl/certs/ca-certificates.crt").execute(Self.get(registry.baseURL + "/v2/"))
        } throws: { error in
            guard let error = error as? HTTPError, case .transport(let code, _, _) = error else { return false }
            return code == 60 && !error.isTransient
        }
    }

    /// Without a CA file, libcurl's built-in bundle is the trust store: verification stays on,
    /// so the test registry's self-signed certificate is refused.
    @Test func withoutACAFileTheSystemBundleDecides() async throws {
        let registry = try Self.registry.get()
        await #expect {
            try await Self.client().execute(Self.get(registry.baseURL + "/v2/"))
        } throws: { error in
            guard let error = error as? HTTPError, case .transport(let code, _, _) = error else { return false }
            return code == 60
        }
    }

    @Test func anUnreadableCAFileIsAClearErrorNotRetried() async throws {
        let registry = try Self.registry.get()
        let directory = try TemporaryDirectory()
        try "not a certificate\n".write(toFile: directory.file("ca.pem"), atomically: true, encoding: .utf8)
        for path in [directory.file("missing.pem"), directory.file("ca.pem")] {
            await #expect {
                try await Self.client(caFile: path).execute(Self.get(registry.baseURL + "/v2/"))
            } throws: { error in
                guard let error = error as? HTTPError, case .transport(let code, let message, _) = error else { return false }
                return code == 77 && message.contains(path) && message.contains("--ca-file") && !error.isTransient
            }
        }
    }

    /// Every connection verifies against one store per CA file, loaded once: once the first
    /// request has loaded it, new handles and connections no longer read the file (here gone).
    @Test func connectionsShareOneCAStorePerFile() async throws {
        let registry = try Self.registry.get()
        let directory = try TemporaryDirectory()
        let caFile = directory.file("ca.pem")
        try FileManager.default.copyItem(atPath: registry.caFile, toPath: caFile)
        let client = Self.client(caFile: caFile, retry: RetryPolicy(maxAttempts: 1))
        #expect(try await client.execute(Self.get(registry.baseURL + "/v2/")).status == 401)
        try FileManager.default.removeItem(atPath: caFile)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 { group.addTask { try await client.execute(Self.get(registry.baseURL + "/v2/")).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 401, count: 6))
        // Another client of the same file shares the store too.
        #expect(try await Self.client(caFile: caFile).execute(Self.get(registry.baseURL + "/v2/")).status == 401)
    }

    @Test func uploadsAFileRangeAndReadsItBack() async throws {
        let registry = try Self.registry.get()
        let client = Self.client(caFile: registry.caFile)
        let directory = try TemporaryDirectory()
        let content = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let prefix = [UInt8](repeating: 9, count: 1000)
        let path = directory.file("blob")
        try Data(prefix + content).write(to: URL(fileURLWithPath: path))
        let digest = try Tool.check("bash", ["-c", "tail -c +1001 \"$0\" | sha256sum | cut -d' ' -f1", path]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)

        var start = HTTPRequest(method: "POST", url: URL(string: registry.baseURL + "/v2/http/test/blobs/uploads/")!)
        start.headers.set("Authorization", registry.basicAuthorization)
        let started = try await client.execute(start)
        #expect(started.status == 202)
        let location = try #require(started.headers["Location"])
        let uploadURL = location.hasPrefix("http") ? location : registry.baseURL + location
        var put = HTTPRequest(
            method: "PUT", url: URL(string: uploadURL + (uploadURL.contains("?") ? "&" : "?") + "digest=sha256:" + digest)!,
            body: .file(path: path, offset: 1000, length: Int64(content.count)))
        put.headers.set("Authorization", registry.basicAuthorization)
        put.headers.set("Content-Type", "application/octet-stream")
        let finished = try await client.execute(put)
        #expect(finished.status == 201, "\(finished.bodyText)")
        let fetched = try await client.execute(Self.get(registry.baseURL + "/v2/http/test/blobs/sha256:" + digest, authorization: registry.basicAuthorization))
        #expect(fetched.status == 200)
        #expect(fetched.body.count == content.count)
        #expect(fetched.body.elementsEqual(content), "the blob read back differs from the file range sent")

        // The same download streamed to a file, in bounded memory.
        let sink = FileSink(path: directory.file("download"))
        let streamed = try await client.execute(
            Self.get(registry.baseURL + "/v2/http/test/blobs/sha256:" + digest, authorization: registry.basicAuthorization), streamingTo: sink)
        sink.finish()
        #expect(streamed.status == 200 && streamed.body.isEmpty)
        let written = try Tool.check("sha256sum", [directory.file("download")]).stdout
        #expect(written.hasPrefix(digest))
        // An error body is not streamed: it stays readable in the response.
        let missing = try await client.execute(
            Self.get(registry.baseURL + "/v2/http/test/blobs/sha256:" + String(repeating: "0", count: 64), authorization: registry.basicAuthorization),
            streamingTo: sink)
        #expect(missing.status == 404 && missing.bodyText.contains("BLOB_UNKNOWN"))
    }

    @Test func streamingBodyOfUnknownLength() async throws {
        let registry = try Self.registry.get()
        let client = Self.client(caFile: registry.caFile)
        var start = HTTPRequest(method: "POST", url: URL(string: registry.baseURL + "/v2/http/stream/blobs/uploads/")!)
        start.headers.set("Authorization", registry.basicAuthorization)
        let location = try #require(try await client.execute(start).headers["Location"])
        let bytes = Array("streamed body".utf8)
        var patch = HTTPRequest(method: "PATCH", url: URL(string: location.hasPrefix("http") ? location : registry.baseURL + location)!,
                                body: .stream(length: nil, make: { MemorySource(bytes) }))
        patch.headers.set("Authorization", registry.basicAuthorization)
        patch.headers.set("Content-Type", "application/octet-stream")
        let response = try await client.execute(patch)
        #expect(response.status == 202, "\(response.bodyText)")
        #expect(response.headers["Range"] == "0-\(bytes.count - 1)")
    }

    @Test func retriesServerErrorsAndHonoursRetryAfter() async throws {
        let registry = try Self.plainRegistry.get()
        let proxy = try TestServers.start("fault_proxy.py", [
            "--upstream", "127.0.0.1:\(registry.port)", "--script", "status:503,status:500,status:429:1,pass",
        ])
        let response = try await Self.client().execute(Self.get(proxy.baseURL + "/v2/", authorization: registry.basicAuthorization))
        #expect(response.status == 200)
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastResponse() async throws {
        let registry = try Self.plainRegistry.get()
        let proxy = try TestServers.start("fault_proxy.py", [
            "--upstream", "127.0.0.1:\(registry.port)", "--script", "status:502,status:502,pass",
        ])
        let response = try await Self.client(retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10)))
            .execute(Self.get(proxy.baseURL + "/v2/"))
        #expect(response.status == 502)
    }

    @Test func retriesResetConnectionsForIdempotentRequestsOnly() async throws {
        let registry = try Self.plainRegistry.get()
        let proxy = try TestServers.start("fault_proxy.py", [
            "--upstream", "127.0.0.1:\(registry.port)", "--script", "reset,pass,reset",
        ])
        let response = try await Self.client().execute(Self.get(proxy.baseURL + "/v2/", authorization: registry.basicAuthorization))
        #expect(response.status == 200)
        var post = HTTPRequest(method: "POST", url: URL(string: proxy.baseURL + "/v2/http/post/blobs/uploads/")!)
        post.headers.set("Authorization", registry.basicAuthorization)
        await #expect(throws: HTTPError.self) { try await Self.client().execute(post) }
    }

    @Test func retriesAnyRequestOnlyWhenTheServerDidNotActOnIt() async throws {
        let registry = try Self.plainRegistry.get()
        let proxy = try TestServers.start("fault_proxy.py", [
            "--upstream", "127.0.0.1:\(registry.port)", "--script", "status:429,status:503,pass,status:500,pass",
        ])
        var post = HTTPRequest(method: "POST", url: URL(string: proxy.baseURL + "/v2/http/retry/blobs/uploads/")!)
        post.headers.set("Authorization", registry.basicAuthorization)
        // 429 and 503: not acted on, so even a POST goes again.
        #expect(try await Self.client().execute(post).status == 202)
        // 500: the server may have acted; a POST is not repeated.
        #expect(try await Self.client().execute(post).status == 500)
    }

    @Test func doesNotRetryClientErrors() async throws {
        let registry = try Self.plainRegistry.get()
        let proxy = try TestServers.start("fault_proxy.py", [
            "--upstream", "127.0.0.1:\(registry.port)", "--script", "status:404,pass",
        ])
        #expect(try await Self.client().execute(Self.get(proxy.baseURL + "/v2/")).status == 404)
    }

    @Test func stalledTransfersTimeOut() async throws {
        let registry = try Self.plainRegistry.get()
        let proxy = try TestServers.start("fault_proxy.py", [
            "--upstream", "127.0.0.1:\(registry.port)", "--script", "stall:20",
        ])
        let client = Self.client(retry: .none) { $0.stallTimeout = .seconds(1) }
        await #expect {
            try await client.execute(Self.get(proxy.baseURL + "/v2/"))
        } throws: { error in
            guard case HTTPError.transport(let code, _, _) = error else { return false }
            return code == 28
        }
    }

    @Test func refusedConnectionsAreTransportErrorsWithoutTheQuery() async throws {
        let port = try FreePort.pick()
        let url = "http://127.0.0.1:\(port)/v2/x?X-Amz-Signature=c2VjcmV0&X-Amz-Credential=AKIDSECRET"
        await #expect {
            try await Self.client(retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10))).execute(Self.get(url))
        } throws: { error in
            guard let error = error as? HTTPError, case .transport(let code, _, _) = error else { return false }
            let text = error.description
            return code == 7 && !text.contains("c2VjcmV0") && !text.contains("AKIDSECRET") && text.contains("/v2/x?…")
        }
    }

    @Test func responseBodiesAreBounded() async throws {
        let registry = try Self.registry.get()
        let client = Self.client(caFile: registry.caFile) { $0.maxResponseBody = 8 }
        await #expect(throws: HTTPError.self) {
            try await client.execute(Self.get(registry.baseURL + "/v2/_catalog", authorization: registry.basicAuthorization))
        }
    }

    @Test func retryAfterParsing() {
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(10))
        #expect(policy.delay(afterAttempt: 1, retryAfter: "3") == .seconds(3))
        #expect(policy.delay(afterAttempt: 1, retryAfter: "3600") == .seconds(10))
        #expect(policy.delay(afterAttempt: 5) <= .milliseconds(1600))
        #expect(RetryPolicy.isRetryable(status: 503) && RetryPolicy.isRetryable(status: 429))
        #expect(!RetryPolicy.isRetryable(status: 400) && !RetryPolicy.isRetryable(status: 501))
    }
}
