import Foundation
import HTTP

/// The AWS Query protocol (STS, SNS): a form-encoded POST, an XML answer.
public struct AWSQueryClient: Sendable {
    public let http: any HTTPClient
    /// nil for the few unsigned operations (AssumeRoleWithWebIdentity).
    public let credentials: (any CredentialProvider)?
    public let region: String
    public let endpoint: URL
    public let signingName: String
    public let apiVersion: String
    public let displayName: String

    public init(http: any HTTPClient, credentials: (any CredentialProvider)?, region: String, endpoint: URL,
                signingName: String, apiVersion: String, displayName: String) {
        self.http = http
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
        self.signingName = signingName
        self.apiVersion = apiVersion
        self.displayName = displayName
    }

    /// Calls `action` with `parameters`; returns the `<ActionResult>` element.
    public func call(_ action: String, _ parameters: [(String, String)], idempotent: Bool = true) async throws -> XMLTree {
        let form = ([("Action", action), ("Version", apiVersion)] + parameters)
            .map { "\(URIEncoding.formEncode($0.0))=\(URIEncoding.formEncode($0.1))" }
            .joined(separator: "&")
        let body = Array(form.utf8)
        var request = HTTPRequest(method: "POST", url: endpoint, body: .bytes(body))
        request.isIdempotent = idempotent
        request.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        let response = try await AWSRequestSender.send(
            request, via: http, payload: body, credentials: credentials, region: region, signingName: signingName
        ) { response in
            guard !(200...299).contains(response.status) else { return nil }
            return Self.error(response, service: displayName, operation: action)
        }
        guard let tree = XMLTree.parse(response.body), let result = tree.first("\(action)Result") else {
            throw AWSServiceError(
                service: displayName, operation: action, code: "InvalidResponse",
                message: "the answer is not the expected XML", requestID: response.headers["x-amzn-RequestId"],
                status: response.status)
        }
        return result
    }

    static func error(_ response: HTTPResponse, service: String, operation: String) -> AWSServiceError {
        let tree = XMLTree.parse(response.body)
        // Query services nest <Error> in <ErrorResponse>; S3 answers with <Error> itself.
        let error = tree?.find("Error") ?? (tree?.name == "Error" ? tree : nil)
        return AWSServiceError(
            service: service, operation: operation,
            code: error?.first("Code")?.text ?? "HTTP\(response.status)",
            message: error?.first("Message")?.text ?? "",
            requestID: tree?.find("RequestId")?.text ?? response.headers["x-amzn-RequestId"],
            status: response.status)
    }
}
