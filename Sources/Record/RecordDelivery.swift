/// Sends a record to every sink; what fails (but a DynamoDB conflict, which no retry can
/// fix) goes to the outbox for `record replay`.
public struct RecordDelivery: Sendable {
    public let sinks: [any RecordSink]
    public let outbox: Outbox

    public init(sinks: [any RecordSink], outbox: Outbox) {
        self.sinks = sinks
        self.outbox = outbox
    }

    /// What happened to one record.
    public struct Result: Sendable {
        public var delivered: [String] = []
        /// Sink name and the error's message.
        public var failed: [(sink: String, message: String)] = []
        public var conflicts: [RecordError] = []
        public var outboxPath: String?
    }

    /// Delivers `record` to `only` sinks (all when nil).
    public func deliver(_ record: PushRecord, only names: Set<String>? = nil) async -> Result {
        var result = Result()
        for sink in sinks where names?.contains(sink.name) ?? true {
            do {
                try await sink.deliver(record)
                result.delivered.append(sink.name)
            } catch let error as RecordError {
                result.conflicts.append(error)
            } catch {
                result.failed.append((sink.name, "\(error)"))
            }
        }
        return result
    }

    /// Delivers, and stores what failed in the outbox.
    public func send(_ record: PushRecord) async throws -> Result {
        var result = await deliver(record)
        if !result.failed.isEmpty {
            result.outboxPath = try outbox.store(record, pending: result.failed.map(\.sink))
        }
        return result
    }

    /// Re-sends every outbox entry to the sinks it still lacks; removes an entry once all
    /// have it. Returns how many deliveries were made and how many entries remain.
    public func replay() async throws -> (delivered: Int, remaining: Int) {
        var delivered = 0, remaining = 0
        for (path, entry) in try outbox.entries() {
            let result = await deliver(entry.record, only: Set(entry.pending))
            delivered += result.delivered.count
            let left = entry.pending.filter { !result.delivered.contains($0) }
            try outbox.update(path, pending: left, record: entry.record)
            if !left.isEmpty { remaining += 1 }
        }
        return (delivered, remaining)
    }
}
