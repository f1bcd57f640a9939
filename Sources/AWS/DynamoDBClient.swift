import Foundation
import HTTP

/// Amazon DynamoDB (JSON 1.0): the calls the push record needs.
public struct DynamoDBClient: Sendable {
    let client: AWSJSONClient

    public init(http: any HTTPClient, credentials: any CredentialProvider, region: String, endpoint: URL) {
        client = AWSJSONClient(
            http: http, credentials: credentials, region: region, endpoint: endpoint, signingName: "dynamodb",
            targetPrefix: "DynamoDB_20120810", jsonVersion: "1.0", displayName: "DynamoDB")
    }

    /// Writes `item` into `table`. With `condition`, DynamoDB refuses the write (error code
    /// `ConditionalCheckFailedException`) when the condition does not hold.
    public func putItem(
        table: String, item: [String: DynamoDBAttributeValue], condition: String? = nil,
        names: [String: String]? = nil, values: [String: DynamoDBAttributeValue]? = nil
    ) async throws {
        struct Input: Encodable {
            var TableName: String
            var Item: [String: DynamoDBAttributeValue]
            var ConditionExpression: String?
            var ExpressionAttributeNames: [String: String]?
            var ExpressionAttributeValues: [String: DynamoDBAttributeValue]?
        }
        let _: AWSEmptyOutput = try await client.call("PutItem", Input(
            TableName: table, Item: item, ConditionExpression: condition, ExpressionAttributeNames: names,
            ExpressionAttributeValues: values))
    }

    /// The item with `key`, read consistently, or nil.
    public func getItem(table: String, key: [String: DynamoDBAttributeValue]) async throws -> [String: DynamoDBAttributeValue]? {
        struct Input: Encodable { var TableName: String; var Key: [String: DynamoDBAttributeValue]; var ConsistentRead = true }
        struct Output: Decodable, Sendable { var Item: [String: DynamoDBAttributeValue]? }
        let output: Output = try await client.call("GetItem", Input(TableName: table, Key: key))
        return output.Item
    }
}
