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
    /// Writes into `settings` what a replay needs besides the target (the DynamoDB key, the
    /// S3 attachments and KMS key), so an outbox entry alone can make the sink again.
    func remember(in settings: inout Outbox.Settings)
}

extension RecordSink {
    /// `name:target`, how the outbox remembers the sink (see ``RecordSinkReference``).
    public var reference: String { "\(name):\(target)" }
    public func remember(in settings: inout Outbox.Settings) {}
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
            return "the push record could not be written to \(sinks.joined(separator: ", ")); it is kept in \(outbox). Fix the cause, then run `ecr-publish record replay --outbox \(Outbox.directory(containing: outbox))`"
        case .outbox(let detail):
            return "outbox: \(detail)"
        }
    }
}

/// PutItem with a condition: only a new key is written. A key that already records the same
/// digest (a re-run, a replay) is success with nothing written; another digest is refused.
public struct DynamoDBSink: RecordSink {
    public let name = "dynamodb"
    let client: DynamoDBClient
    public let table: String
    public let keyName: String
    /// The key's value; nil: the record's primary tag.
    public let keyValue: String?
    public var target: String { table }

    public init(client: DynamoDBClient, table: String, keyName: String = "ImageTag", keyValue: String? = nil) {
        self.client = client
        self.table = table
        self.keyName = keyName
        self.keyValue = keyValue
    }

    public func deliver(_ record: PushRecord) async throws {
        let value = keyValue ?? record.imageTag
        do {
            try await client.putItem(
                table: table, item: RecordItem.make(record, keyName: keyName, keyValue: value),
                condition: "attribute_not_exists(#key)", names: ["#key": keyName])
        } catch let error as AWSServiceError where error.code == "ConditionalCheckFailedException" {
            // The key is taken: by this image (nothing to do, the first record stays) or another.
            let stored = try await client.getItem(table: table, key: [keyName: .string(value)])
            guard case .string(let digest)? = stored?["ImageDigest"], digest == record.imageDigest else {
                throw RecordError.conflict(table: table, key: "\(keyName)=\(value)")
            }
        }
    }

    public func remember(in settings: inout Outbox.Settings) {
        settings.keyName = keyName
        settings.keyValue = keyValue
    }
}

/// The record JSON at `s3://bucket/<repository>/<primary-tag>.json`, and the SBOM beside it
/// (`<primary-tag>.spdx.json`), streamed from its file.
public struct S3Sink: RecordSink {
    /// A file uploaded beside the record, at `<repository>/<primary-tag><suffix>`.
    public struct Attachment: Codable, Equatable, Sendable {
        /// `.spdx.json`, `-linux-arm64.spdx.json`, `.cdx.json`.
        public var suffix: String
        public var path: String
        public init(suffix: String, path: String) { self.suffix = suffix; self.path = path }
    }

    public let name = "s3"
    let client: S3Client
    public let bucket: String
    public var target: String { bucket }
    let kmsKeyID: String?
    /// Uploaded before the record, so a record in S3 never names a missing SBOM.
    public let attachments: [Attachment]

    public init(client: S3Client, bucket: String, kmsKeyID: String? = nil, attachments: [Attachment] = []) {
        self.client = client
        self.bucket = bucket
        self.kmsKeyID = kmsKeyID
        self.attachments = attachments
    }

    public static func recordKey(_ record: PushRecord) -> String { key(record, suffix: ".json") }
    public static func key(_ record: PushRecord, suffix: String) -> String { "\(record.repositoryName)/\(record.imageTag)\(suffix)" }

    public func deliver(_ record: PushRecord) async throws {
        for attachment in attachments {
            try await client.putObject(bucket: bucket, key: Self.key(record, suffix: attachment.suffix), body: .file(attachment.path),
                                       contentType: "application/json", kmsKeyID: kmsKeyID)
        }
        try await client.putObject(bucket: bucket, key: Self.recordKey(record), body: .bytes(try record.json()),
                                   contentType: "application/json", kmsKeyID: kmsKeyID)
    }

    public func remember(in settings: inout Outbox.Settings) {
        settings.attachments = attachments
        settings.s3KMSKeyID = kmsKeyID
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
