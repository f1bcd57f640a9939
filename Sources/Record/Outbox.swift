import Foundation

/// Records that some sink has not received yet, one JSON file each, written atomically
/// (temporary name, then rename), so a crash never leaves half a record and nothing delivered
/// is lost.
public struct Outbox: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// One pending record: the record, the sinks still owed it (``RecordSink/reference``) and
    /// what the S3 sink needs to send it again.
    public struct Entry: Codable, Equatable, Sendable {
        public var record: PushRecord
        public var pending: [String]
        public var sbomPath: String?
        public var s3KMSKeyID: String?
    }

    /// Stores `record` for `pending` sinks; returns the file's path.
    @discardableResult
    public func store(_ record: PushRecord, pending: [String], sbomPath: String? = nil, s3KMSKeyID: String? = nil) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = record.pushedAt.filter { $0.isNumber }
        let path = directory + "/\(stamp)-\(record.imageDigest.suffix(64).prefix(12)).json"
        try write(Entry(record: record, pending: pending.sorted(), sbomPath: sbomPath, s3KMSKeyID: s3KMSKeyID), to: path)
        return path
    }

    /// The entries waiting, oldest first.
    public func entries() throws -> [(path: String, entry: Entry)] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".json") }.sorted()
            .map { name in
                let path = directory + "/" + name
                guard let data = FileManager.default.contents(atPath: path), data.count <= 16 * 1024 * 1024,
                      let entry = try? JSONDecoder().decode(Entry.self, from: data) else {
                    throw RecordError.outbox("\(path) is not an outbox record; move it away and replay again")
                }
                return (path, entry)
            }
    }

    /// Rewrites an entry with fewer pending sinks, or removes it when none is left.
    public func update(_ path: String, entry: Entry, pending: [String]) throws {
        if pending.isEmpty {
            try FileManager.default.removeItem(atPath: path)
        } else {
            var entry = entry
            entry.pending = pending.sorted()
            try write(entry, to: path)
        }
    }

    private func write(_ entry: Entry, to path: String) throws {
        let temporary = path + ".partial"
        do {
            try Data(RecordJSON.encode(entry)).write(to: URL(fileURLWithPath: temporary))
            // rename(2) replaces the old file atomically: a reader sees the old entry or the new.
            guard rename(temporary, path) == 0 else { throw RecordError.outbox(String(cString: strerror(errno))) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw RecordError.outbox("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
