import Foundation
import HTTP

/// Amazon EventBridge (JSON 1.1): PutEvents for teams whose rules react to pushes.
public struct EventBridgeClient: Sendable {
    let client: AWSJSONClient

    public init(http: any HTTPClient, credentials: any CredentialProvider, region: String, endpoint: URL) {
        client = AWSJSONClient(
            http: http, credentials: credentials, region: region, endpoint: endpoint, signingName: "events",
            targetPrefix: "AWSEvents", jsonVersion: "1.1", displayName: "EventBridge")
    }

    /// Puts one event on `bus` (a name or ARN); `detail` is a JSON object's text.
    public func putEvent(bus: String, source: String, detailType: String, detail: String, resources: [String] = []) async throws {
        struct Entry: Encodable {
            var EventBusName: String
            var Source: String
            var DetailType: String
            var Detail: String
            var Resources: [String]
        }
        struct Input: Encodable { var Entries: [Entry] }
        struct Output: Decodable, Sendable {
            struct Result: Decodable, Sendable { var ErrorCode: String?; var ErrorMessage: String? }
            var FailedEntryCount: Int?
            var Entries: [Result]?
        }
        let output: Output = try await client.call("PutEvents", Input(Entries: [
            Entry(EventBusName: bus, Source: source, DetailType: detailType, Detail: detail, Resources: resources),
        ]), idempotent: false)
        if let failed = output.Entries?.first(where: { $0.ErrorCode != nil }) {
            throw AWSServiceError(service: "EventBridge", operation: "PutEvents", code: failed.ErrorCode ?? "Failed",
                                  message: failed.ErrorMessage ?? "", requestID: nil, status: 200)
        }
    }
}
