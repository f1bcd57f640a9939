import AWS
import Foundation

/// Where a push record goes. Each delivery is idempotent for the same record (a repeated
/// delivery changes nothing), so the outbox can replay what failed.
public protocol RecordSink: Sendable {
    /// `dynamodb`, `s3`, `sns` or `eventbridge`.
    var name: String { get }
    /// The table, bucket, topic ARN or event bus written to.
    var target: String { get }
    func deliver(_ record: PushRecord) async throws
}

extension RecordSink {
    /// `name:target`, how the outbox remembers the sink (see ``RecordSinkReference``).
    public var reference: String { "\(name):\(target)" }
}

/// Why a record was not written.
public enum RecordError: Error, Equatable, CustomStringConvertible {
    /// DynamoDB already holds another digest under this key: never overwritten.
    case conflict(table: String, key: String)
    /// Sinks that failed; the record is in the outbox file.
    case undelivered(sinks: [String], outbox: String)
    case outbox(String)

    public var description: String {
        switch self {
        case .conflict(let table, let key):
            return "DynamoDB table \(table) already records another image under \(key); it was not overwritten. Use a key template that is unique per image (the primary tag includes the commit and build time by default)"
        case .undelivered(let sinks, let outbox):
            return "the push record could not be written to \(sinks.joined(separator: ", ")); it is kept in \(outbox). Fix the cause, then run `ecr-publish record replay`"
        case .outbox(let detail):
            return "outbox: \(detail)"
        }
    }
}

/// PutItem with a condition: a new key, or the same digest again (a re-run).
public struct DynamoDBSink: RecordSink {
    public let name = "dynamodb"
    let client: DynamoDBClient
    public let table: String
    let keyName: String
    public var target: String { table }

    public init(client: DynamoDBClient, table: String, keyName: String = "ImageTag") {
        self.client = client
        self.table = table
        self.keyName = keyName
    }

    public func deliver(_ record: PushRecord) async throws {
        do {
            try await client.putItem(
                table: table, item: RecordItem.make(record, keyName: keyName, keyValue: record.imageTag),
                condition: "attribute_not_exists(#key) OR ImageDigest = :digest",
                names: ["#key": keyName], values: [":digest": .string(record.imageDigest)])
        } catch let error as AWSServiceError where error.code == "ConditionalCheckFailedException" {
            throw RecordError.conflict(table: table, key: "\(keyName)=\(record.imageTag)")
        }
    }
}

/// The record JSON at `s3://bucket/<repository>/<primary-tag>.json`, and the SBOM beside it.
public struct S3Sink: RecordSink {
    public let name = "s3"
    let client: S3Client
    public let bucket: String
    public var target: String { bucket }
    let kmsKeyID: String?
    /// The SBOM file to upload beside the record, if any.
    let sbomPath: String?

    public init(client: S3Client, bucket: String, kmsKeyID: String? = nil, sbomPath: String? = nil) {
        self.client = client
        self.bucket = bucket
        self.kmsKeyID = kmsKeyID
        self.sbomPath = sbomPath
    }

    public static func recordKey(_ record: PushRecord) -> String { "\(record.repositoryName)/\(record.imageTag).json" }
    public static func sbomKey(_ record: PushRecord) -> String { "\(record.repositoryName)/\(record.imageTag).spdx.json" }

    public func deliver(_ record: PushRecord) async throws {
        if let sbomPath {
            try await client.putObject(bucket: bucket, key: Self.sbomKey(record), body: .file(sbomPath),
                                       contentType: "application/json", kmsKeyID: kmsKeyID)
        }
        try await client.putObject(bucket: bucket, key: Self.recordKey(record), body: .bytes(try record.json()),
                                   contentType: "application/json", kmsKeyID: kmsKeyID)
    }
}

/// One notification per record.
public struct SNSSink: RecordSink {
    public let name = "sns"
    let client: SNSClient
    let topicARN: String
    public var target: String { topicARN }

    public init(client: SNSClient, topicARN: String) {
        self.client = client
        self.topicARN = topicARN
    }

    public func deliver(_ record: PushRecord) async throws {
        try await client.publish(topicARN: topicARN, subject: RecordNotification.subject(record),
                                 message: RecordNotification.body(record), attributes: RecordNotification.attributes(record))
    }
}

/// An "ECR Image Action" event from source `ecr-publish`, whose detail carries the ECR event's
/// fields (through the record's own keys) and the whole record.
public struct EventBridgeSink: RecordSink {
    public let name = "eventbridge"
    let client: EventBridgeClient
    let bus: String
    public var target: String { bus }

    public init(client: EventBridgeClient, bus: String) {
        self.client = client
        self.bus = bus
    }

    public func deliver(_ record: PushRecord) async throws {
        try await client.putEvent(
            bus: bus, source: "ecr-publish", detailType: "ECR Image Action",
            detail: String(decoding: try record.json(), as: UTF8.self))
    }
}
