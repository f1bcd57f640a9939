import Foundation

/// When and how long to wait before trying a request again: exponential backoff with full
/// jitter, honouring `Retry-After`.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(20)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries (tests of single attempts, non-idempotent work).
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether a response status is worth another attempt: 429 and 5xx except 501 and 505.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || (500...599).contains(status) && status != 501 && status != 505
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    public func delay(afterAttempt attempt: Int, retryAfter: String? = nil) -> Duration {
        if let retryAfter, let seconds = Self.parseRetryAfter(retryAfter) {
            return min(.seconds(seconds), maxDelay)
        }
        let exponent = min(attempt - 1, 20)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        let milliseconds = Int(ceiling.components.seconds * 1000) + Int(ceiling.components.attoseconds / 1_000_000_000_000_000)
        return .milliseconds(Int.random(in: 0...max(milliseconds, 1)))
    }

    /// `Retry-After` as delay-seconds or an HTTP date.
    static func parseRetryAfter(_ value: String) -> Int? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return max(0, Int(date.timeIntervalSinceNow.rounded(.up)))
    }
}
