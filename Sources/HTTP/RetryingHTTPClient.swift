/// An ``HTTPClient`` that tries again: the one retry layer of the program, a decorator around
/// a single-attempt client (as go-containerregistry's `transport/retry.go`). The AWS and
/// registry clients both send through it; nothing below or above it loops on failures.
///
/// A request is repeated only when that is harmless: idempotent requests after a retryable
/// status or a transient transport failure; any request after an answer saying the server
/// did not act on it (429, 503, a throttling code) or a refused connection.
public struct RetryingHTTPClient: HTTPClient {
    /// What a response means for another attempt.
    public enum Verdict: Sendable {
        /// Final: return it.
        case done
        /// A server failure that may have acted on the request: repeat idempotent ones only.
        case retryIfIdempotent
        /// The server did not act on the request (throttling): repeat any request.
        case retry
    }

    public let base: any HTTPClient
    public let policy: RetryPolicy
    let classify: @Sendable (HTTPResponse) -> Verdict

    public init(wrapping base: any HTTPClient, policy: RetryPolicy = RetryPolicy(),
                classify: @escaping @Sendable (HTTPResponse) -> Verdict = RetryingHTTPClient.verdict(for:)) {
        self.base = base
        self.policy = policy
        self.classify = classify
    }

    /// The default reading of a response: 429 and 503 were not acted on, other retryable
    /// 5xx may have been.
    public static func verdict(for response: HTTPResponse) -> Verdict {
        guard RetryPolicy.isRetryable(status: response.status) else { return .done }
        return response.status == 429 || response.status == 503 ? .retry : .retryIfIdempotent
    }

    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await attempt(request) { try await base.execute(request) }
    }

    public func execute(_ request: HTTPRequest, streamingTo sink: any ResponseBodySink) async throws -> HTTPResponse {
        try await attempt(request) { try await base.execute(request, streamingTo: sink) }
    }

    private func attempt(_ request: HTTPRequest, _ send: () async throws -> HTTPResponse) async throws -> HTTPResponse {
        var attempt = 1
        while true {
            do {
                let response = try await send()
                let repeatable: Bool
                switch classify(response) {
                case .done: repeatable = false
                case .retryIfIdempotent: repeatable = request.isIdempotent
                case .retry: repeatable = true
                }
                guard repeatable, attempt < policy.maxAttempts else { return response }
                try await Task.sleep(for: policy.delay(afterAttempt: attempt, retryAfter: response.headers["Retry-After"]))
            } catch let error as HTTPError {
                guard attempt < policy.maxAttempts, error.isTransient, request.isIdempotent || error.neverReachedServer else {
                    throw error
                }
                try await Task.sleep(for: policy.delay(afterAttempt: attempt))
            }
            attempt += 1
        }
    }
}

extension HTTPError {
    /// A refused connection: the request never reached a server, so any request may repeat.
    var neverReachedServer: Bool {
        if case .transport(7, _, _) = self { return true }
        return false
    }
}
