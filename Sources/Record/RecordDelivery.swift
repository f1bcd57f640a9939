/// Sends a record to every sink; what fails (but a DynamoDB conflict, which no retry can
/// fix and which stops the delivery) goes to the outbox for `record replay`.
public struct RecordDelivery: Sendable {
    public let sinks: [any RecordSink]
    public let outbox: Outbox

    public init(sinks: [any RecordSink], outbox: Outbox) {
        self.sinks = sinks
        self.outbox = outbox
    }

    /// What happened to one record.
    public struct Result: Sendable {
        /// References of the sinks that have the record.
        public var delivered: [String] = []
        /// Sink name and the error's message.
        public var failed: [(sink: String, message: String)] = []
        public var conflicts: [RecordError] = []
        public var outboxPath: String?
    }

    /// Delivers `record` to the sinks whose names are in `only` (all when nil). Results name
    /// sinks by ``RecordSink/reference``.
    public func deliver(_ record: PushRecord, only names: Set<String>? = nil) async -> Result {
        await Self.deliver(record, to: sinks.filter { names?.contains($0.name) ?? true })
    }

    static func deliver(_ record: PushRecord, to sinks: [any RecordSink]) async -> Result {
        var result = Result()
        for sink in sinks {
            do {
                try await sink.deliver(record)
                result.delivered.append(sink.reference)
            } catch let error as RecordError {
                // The key names another image: the record goes nowhere else either (S3 would
                // overwrite that image's JSON under the same key).
                result.conflicts.append(error)
                break
            } catch {
                result.failed.append((sink.reference, "\(error)"))
            }
        }
        return result
    }

    /// Delivers, and stores what failed in the outbox with what those sinks need to send it again.
    public func send(_ record: PushRecord) async throws -> Result {
        var result = await deliver(record)
        if !result.failed.isEmpty {
            let failed = result.failed.map(\.sink)
            var settings = Outbox.Settings()
            for sink in sinks where failed.contains(sink.reference) { sink.remember(in: &settings) }
            result.outboxPath = try outbox.store(record, pending: failed, settings: settings)
        }
        return result
    }

    /// Re-sends every entry of `outbox` to the sinks it still lacks, made by `sinks` from the
    /// entry; removes an entry once all have it. Returns the deliveries made and the entries left.
    public static func replay(
        _ outbox: Outbox, sinks make: (Outbox.Entry) throws -> [any RecordSink]
    ) async throws -> (delivered: Int, remaining: Int) {
        var delivered = 0, remaining = 0
        for (path, entry) in try outbox.entries() {
            let result = await deliver(entry.record, to: try make(entry).filter { entry.pending.contains($0.reference) })
            delivered += result.delivered.count
            let left = entry.pending.filter { !result.delivered.contains($0) }
            try outbox.update(path, entry: entry, pending: left)
            if !left.isEmpty { remaining += 1 }
        }
        return (delivered, remaining)
    }
}
