import AWS

/// Makes the sinks an outbox entry names (`dynamodb:TABLE`, `s3:BUCKET`, `sns:TOPIC_ARN`,
/// `eventbridge:BUS`), so a replay needs no flags: the entry says where it was going.
public enum RecordSinkReference {
    /// - Parameter keyName: the DynamoDB key attribute when the entry does not name one.
    public static func sinks(for entry: Outbox.Entry, context: AWSContext, keyName: String = "ImageTag") throws -> [any RecordSink] {
        let settings = entry.settings
        return try entry.pending.map { reference -> any RecordSink in
            guard let colon = reference.firstIndex(of: ":") else {
                throw RecordError.outbox("unknown sink '\(reference.prefix(80))' in an outbox entry")
            }
            let name = reference[..<colon], target = String(reference[reference.index(after: colon)...])
            switch name {
            case "dynamodb":
                return DynamoDBSink(client: try context.dynamoDB(), table: target, keyName: settings.keyName ?? keyName,
                                    keyValue: settings.keyValue)
            case "s3":
                return S3Sink(client: try context.s3(), bucket: target, kmsKeyID: settings.s3KMSKeyID, attachments: settings.attachments ?? [])
            case "sns": return SNSSink(client: try context.sns(), topicARN: target)
            case "eventbridge": return EventBridgeSink(client: try context.eventBridge(), bus: target)
            default: throw RecordError.outbox("unknown sink '\(reference.prefix(80))' in an outbox entry")
            }
        }
    }
}
