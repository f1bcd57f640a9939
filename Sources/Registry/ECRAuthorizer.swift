import AWS
import Foundation

/// ECR's registry credentials: `ecr:GetAuthorizationToken` gives base64(`AWS:<password>`),
/// valid 12 hours, sent as Basic auth. The token is kept until an hour before it expires,
/// so a long push gets a fresh one in time, and refetched when the registry refuses it. A
/// token that arrives already (nearly) expired by this machine's clock, a skewed clock or a
/// server that reports no real expiry, is kept ten minutes: not fetched again per request.
public actor ECRAuthorizer: RegistryAuthorizer {
    private let ecr: ECRClient
    private var cached: (header: String, renewAfter: Date)?
    /// The registry the token is for (`https://<account>.dkr.ecr.<region>.amazonaws.com`).
    public private(set) var proxyEndpoint: String?

    public init(ecr: ECRClient) { self.ecr = ecr }

    public func authorization() async throws -> String? { try await token(refresh: false) }

    /// ECR's 401 means the token expired or was revoked: a fresh one.
    public func authorization(answering challenge: String?) async throws -> String? { try await token(refresh: true) }

    private func token(refresh: Bool) async throws -> String {
        if !refresh, let cached, Date() < cached.renewAfter { return cached.header }
        let data = try await ecr.getAuthorizationToken()
        let expires = data.expiresAt.map { Date(timeIntervalSince1970: $0) } ?? Date().addingTimeInterval(12 * 3600)
        let header = "Basic " + data.authorizationToken
        cached = (header, Self.renewalTime(expires: expires, now: Date()))
        proxyEndpoint = data.proxyEndpoint
        return header
    }

    /// When a token that expires at `expires`, fetched `now`, is replaced: an hour before it
    /// expires, or in ten minutes when that hour has already begun by the local clock.
    static func renewalTime(expires: Date, now: Date) -> Date {
        let early = expires.addingTimeInterval(-3600)
        return early > now ? early : now.addingTimeInterval(600)
    }

    /// The token's registry endpoint, fetching a token when none is cached.
    public func endpoint() async throws -> String {
        if let proxyEndpoint { return proxyEndpoint }
        _ = try await token(refresh: false)
        return proxyEndpoint ?? ""
    }
}

extension ECRAuthorizer {
    /// Whether `host` is an ECR private registry (`<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`),
    /// whose credentials come from GetAuthorizationToken.
    public static func isECRRegistry(_ host: String) -> Bool {
        let labels = host.lowercased().split(separator: ":").first.map { $0.split(separator: ".", omittingEmptySubsequences: false) } ?? []
        guard labels.count >= 6, labels[0].count == 12, labels[0].allSatisfy(\.isNumber), labels[1] == "dkr",
              labels[2] == "ecr" || labels[2] == "ecr-fips" else { return false }
        let rest = labels[4...].joined(separator: ".")
        return rest == "amazonaws.com" || rest == "amazonaws.com.cn"
    }
}
