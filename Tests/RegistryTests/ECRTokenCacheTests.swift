import AWS
import Foundation
import HTTP
@testable import Registry
import Testing
import TestSupport

/// The ECR token is fetched once and kept, even when moto (or a skewed clock) makes it look
/// expired on arrival: not one GetAuthorizationToken per registry request.
@Suite struct ECRTokenCacheTests {
    @Test func aTokenIsKeptUntilAnHourBeforeItExpires() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ECRAuthorizer.renewalTime(expires: now.addingTimeInterval(12 * 3600), now: now) == now.addingTimeInterval(11 * 3600))
    }

    @Test func aTokenExpiredOnArrivalIsKeptTenMinutes() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ECRAuthorizer.renewalTime(expires: Date(timeIntervalSince1970: 1_420_070_400), now: now) == now.addingTimeInterval(600))
        #expect(ECRAuthorizer.renewalTime(expires: now.addingTimeInterval(1800), now: now) == now.addingTimeInterval(600))
    }

    @Test func motosPastExpiryFetchesOnceAndARefusalFetchesAgain() async throws {
        let moto = try MotoServer()
        let home = try TemporaryDirectory("ecr-token")
        let context = try AWSContext(environment: AWSEnvironment(variables: moto.environment(home: home.path)))
        let counting = CountingHTTPClient(context.http)
        let ecr = ECRClient(http: counting, credentials: context.credentials, region: context.region, endpoint: try context.endpoint(.ecr))
        let authorizer = ECRAuthorizer(ecr: ecr)
        for _ in 0..<5 { #expect(try await authorizer.authorization()?.hasPrefix("Basic ") == true) }
        #expect(counting.count == 1, "moto's expiresAt is in 2015: the token is still kept")
        _ = try await authorizer.authorization(answering: nil)
        #expect(counting.count == 2, "a 401 from the registry fetches a fresh token")
    }
}

/// Passes every request to the real client and counts them.
private final class CountingHTTPClient: HTTPClient, @unchecked Sendable {
    private let inner: any HTTPClient
    private let lock = NSLock()
    private var requests = 0

    init(_ inner: any HTTPClient) { self.inner = inner }

    var count: Int { lock.withLock { requests } }

    func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { requests += 1 }
        return try await inner.execute(request)
    }

    func execute(_ request: HTTPRequest, streamingTo sink: any ResponseBodySink) async throws -> HTTPResponse {
        lock.withLock { requests += 1 }
        return try await inner.execute(request, streamingTo: sink)
    }
}
