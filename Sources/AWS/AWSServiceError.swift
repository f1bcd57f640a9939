import Foundation

/// An error answer from an AWS API, with the code and request id AWS support asks for.
public struct AWSServiceError: Error, Equatable, CustomStringConvertible {
    public var service: String
    public var operation: String
    public var code: String
    public var message: String
    public var requestID: String?
    public var status: Int

    public init(service: String, operation: String, code: String, message: String, requestID: String?, status: Int) {
        self.service = service
        self.operation = operation
        self.code = code.trimmingCharacters(in: .whitespacesAndNewlines)
        // AWS messages never carry our secrets, but keep them short and single-line.
        self.message = String(message.replacingOccurrences(of: "\n", with: " ").prefix(400))
        self.requestID = requestID?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.status = status
    }

    /// The credentials were refused or lack permission: exit status 4.
    public var isAuthenticationFailure: Bool {
        Self.authenticationCodes.contains(code) || status == 401 || status == 403
    }

    /// AWS asked us to slow down: retried with backoff.
    public var isThrottling: Bool {
        Self.throttlingCodes.contains(code) || status == 429
    }

    static let authenticationCodes: Set<String> = [
        "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch",
        "IncompleteSignature", "IncompleteSignatureException", "MissingAuthenticationToken",
        "MissingAuthenticationTokenException", "InvalidClientTokenId", "ExpiredToken",
        "ExpiredTokenException", "AccessDenied", "AccessDeniedException", "AuthFailure",
        "UnauthorizedOperation", "InvalidAccessKeyId", "NotAuthorized", "InvalidToken",
        "InvalidIdentityToken", "IDPRejectedClaim", "RequestExpired",
    ]

    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
        "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException",
        "ProvisionedThroughputExceededException", "SlowDown", "PriorRequestNotComplete",
        "LimitExceededException",
    ]

    public var description: String {
        var text = "\(service) \(operation) failed: \(code)"
        if !message.isEmpty { text += ": \(message)" }
        text += " (HTTP \(status)"
        if let requestID { text += ", request id \(requestID)" }
        text += ")"
        if isAuthenticationFailure {
            text += ". Check the AWS credentials and that they allow \(service.lowercased()):\(operation)."
        }
        return text
    }
}
