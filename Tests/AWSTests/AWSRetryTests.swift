import AWS
import HTTP
import Testing

/// How AWS error answers read for the one retry layer.
@Suite struct AWSRetryTests {
    static func response(_ status: Int, _ body: String, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    @Test func throttlingCodesAreRetriedWhateverTheMethod() {
        let json = Self.response(400, #"{"__type":"com.amazonaws.ecr#ThrottlingException","message":"Rate exceeded"}"#)
        let xml = Self.response(400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>")
        for answer in [json, xml] {
            guard case .retry = AWSRetry.verdict(for: answer) else { Issue.record("\(answer.bodyText)"); continue }
        }
    }

    @Test func otherClientErrorsAreFinalAndServerErrorsFollowTheHTTPRules() {
        guard case .done = AWSRetry.verdict(for: Self.response(400, #"{"__type":"RepositoryNotFoundException"}"#)) else {
            Issue.record("a missing repository is final"); return
        }
        guard case .retryIfIdempotent = AWSRetry.verdict(for: Self.response(500, "{}")) else {
            Issue.record("500 may have acted on the request"); return
        }
        guard case .retry = AWSRetry.verdict(for: Self.response(503, "")) else {
            Issue.record("503 was not acted on"); return
        }
    }
}
