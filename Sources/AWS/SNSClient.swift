import Foundation
import HTTP

/// Amazon SNS (Query protocol, 2010-03-31): publishing the push notification.
public struct SNSClient: Sendable {
    let client: AWSQueryClient

    public init(http: any HTTPClient, credentials: any CredentialProvider, region: String, endpoint: URL) {
        client = AWSQueryClient(
            http: http, credentials: credentials, region: region, endpoint: endpoint, signingName: "sns",
            apiVersion: "2010-03-31", displayName: "SNS")
    }

    /// Publishes `message` to `topicARN` with string `attributes` (for subscription filter
    /// policies); returns the message id.
    @discardableResult
    public func publish(topicARN: String, subject: String?, message: String, attributes: [String: String] = [:]) async throws -> String {
        var parameters: [(String, String)] = [("TopicArn", topicARN), ("Message", message)]
        if let subject { parameters.append(("Subject", subject)) }
        for (index, (name, value)) in attributes.sorted(by: { $0.key < $1.key }).enumerated() {
            let prefix = "MessageAttributes.entry.\(index + 1)"
            parameters += [("\(prefix).Name", name), ("\(prefix).Value.DataType", "String"), ("\(prefix).Value.StringValue", value)]
        }
        // Publishing twice would send two emails: never retried blindly.
        let result = try await client.call("Publish", parameters, idempotent: false)
        return result.first("MessageId")?.text ?? ""
    }
}
