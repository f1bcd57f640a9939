import HTTP

/// How AWS answers read for ``RetryingHTTPClient``: besides 429 and 5xx, AWS reports most
/// throttling as 400 with a code (`ThrottlingException`, `SlowDown`, …); such a request was
/// not acted on and may be sent again whatever its method.
public enum AWSRetry {
    public static func verdict(for response: HTTPResponse) -> RetryingHTTPClient.Verdict {
        let verdict = RetryingHTTPClient.verdict(for: response)
        guard case .done = verdict, (400...499).contains(response.status), !response.body.isEmpty else { return verdict }
        // The JSON reader also understands the Query protocol's XML errors.
        return AWSJSONClient.error(response, service: "", operation: "").isThrottling ? .retry : .done
    }

    /// `base` with AWS's retry rules.
    public static func client(wrapping base: any HTTPClient, policy: RetryPolicy = RetryPolicy()) -> any HTTPClient {
        RetryingHTTPClient(wrapping: base, policy: policy, classify: verdict(for:))
    }
}
