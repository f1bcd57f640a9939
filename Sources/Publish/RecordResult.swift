import Record

/// The record stage of the report: where the push record went, and what is owed.
public struct RecordResult: Codable, Sendable {
    public struct Failure: Codable, Sendable, Equatable {
        /// `dynamodb:TABLE`, `s3:BUCKET`, `sns:TOPIC_ARN`, `eventbridge:BUS`.
        public var sink: String
        public var message: String
    }

    /// `DIR/record.json`, when written (always with `--no-push`).
    public var file: String?
    /// The record's key: the DynamoDB key attribute and value.
    public var key: String
    /// The sinks that have the record.
    public var delivered: [String]
    /// Sinks that failed after retries: the record waits in ``outbox`` for `record replay`.
    public var failed: [Failure]
    /// DynamoDB already records another image under the key: refused, never overwritten.
    public var conflicts: [Conflict]
    public struct Conflict: Codable, Sendable, Equatable {
        public var table: String
        /// `ATTRIBUTE=VALUE`.
        public var key: String
    }
    /// The outbox file holding the record for the failed sinks.
    public var outbox: String?

    init(key: String, delivered: [String], failed: [Failure], conflicts: [Conflict]) {
        self.key = key
        self.delivered = delivered
        self.failed = failed
        self.conflicts = conflicts
    }

    /// What makes the run a partial success (exit 7): sinks that failed, else a refused key.
    public var failure: RecordError? {
        if !failed.isEmpty { return .undelivered(sinks: failed.map(\.sink), outbox: outbox ?? "the outbox") }
        return conflicts.first.map { .conflict(table: $0.table, key: $0.key) }
    }
}
