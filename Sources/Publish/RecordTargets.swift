import AWS
import Record

/// The sinks of a run named in full, resolved before anything is pushed: the default bucket
/// (`ecr-image-metadata-<account-id>`) and a topic given by name need the account, from STS
/// GetCallerIdentity; its ARN gives the partition (`aws`, `aws-cn`, `aws-us-gov`).
public struct RecordTargets: Sendable {
    public var table: String?
    public var bucket: String?
    public var topicARN: String?
    public var eventBus: String?
    let context: AWSContext

    public init(resolving step: RecordStep, context: AWSContext) async throws {
        self.context = context
        table = step.table
        eventBus = step.eventBus
        let needsAccount = step.bucket == .accountDefault || step.topic.map { !$0.hasPrefix("arn:") } == true
        let identity = needsAccount ? try await context.sts().getCallerIdentity() : nil
        switch step.bucket {
        case .named(let name): bucket = name
        case .accountDefault: bucket = identity.map { "ecr-image-metadata-\($0.account)" }
        case nil: bucket = nil
        }
        if let topic = step.topic {
            if topic.hasPrefix("arn:") {
                topicARN = topic
            } else if let identity {
                let partition = identity.arn.split(separator: ":", omittingEmptySubsequences: false).dropFirst().first.map(String.init) ?? "aws"
                topicARN = "arn:\(partition.isEmpty ? "aws" : partition):sns:\(context.region):\(identity.account):\(topic)"
            }
        }
    }

    /// The sinks, in the order they are written: DynamoDB, S3 (the SBOM files, then the
    /// record), SNS, EventBridge.
    func sinks(keyName: String, keyValue: String, kmsKeyID: String?, attachments: [S3Sink.Attachment]) throws -> [any RecordSink] {
        var sinks: [any RecordSink] = []
        if let table { sinks.append(DynamoDBSink(client: try context.dynamoDB(), table: table, keyName: keyName, keyValue: keyValue)) }
        if let bucket { sinks.append(S3Sink(client: try context.s3(), bucket: bucket, kmsKeyID: kmsKeyID, attachments: attachments)) }
        if let topicARN { sinks.append(SNSSink(client: try context.sns(), topicARN: topicARN)) }
        if let eventBus { sinks.append(EventBridgeSink(client: try context.eventBridge(), bus: eventBus)) }
        return sinks
    }
}
