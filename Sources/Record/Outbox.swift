import Foundation

/// Records that some sink has not received yet, one JSON file each, written atomically
/// (temporary name, then rename), so a crash never leaves half a record and nothing delivered
/// is lost. Files a sink uploads beside the record (the SBOM) are copied into the outbox
/// first (`<entry>.files/`), so an entry never depends on a temporary file of the run.
public struct Outbox: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// What a replay needs besides each sink's target, told by the sinks themselves
    /// (``RecordSink/remember(in:)``).
    public struct Settings: Codable, Equatable, Sendable {
        /// The DynamoDB key attribute and value (nil: `ImageTag` and the primary tag).
        public var keyName: String?
        public var keyValue: String?
        /// Files the S3 sink uploads beside the record (paths inside the outbox once stored).
        public var attachments: [S3Sink.Attachment]?
        public var s3KMSKeyID: String?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case keyName = "key-name", keyValue = "key-value", attachments, s3KMSKeyID = "s3-kms-key-id"
        }
    }

    /// One pending record: the record, the sinks still owed it (``RecordSink/reference``) and
    /// what those sinks need to send it again.
    public struct Entry: Codable, Equatable, Sendable {
        public var record: PushRecord
        public var pending: [String]
        public var settings: Settings
    }

    /// Stores `record` for `pending` sinks, with copies of the attachments; returns the entry's path.
    @discardableResult
    public func store(_ record: PushRecord, pending: [String], settings: Settings = Settings()) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RecordError.outbox("cannot create \(directory): \(error.localizedDescription)")
        }
        let stamp = record.pushedAt.filter { $0.isNumber }
        let base = "\(stamp)-\(record.imageDigest.suffix(64).prefix(12))"
        var path = directory + "/\(base).json"
        var number = 1
        while FileManager.default.fileExists(atPath: path) {
            number += 1
            path = directory + "/\(base)-\(number).json"
        }
        var settings = settings
        if let attachments = settings.attachments, !attachments.isEmpty {
            settings.attachments = try copy(attachments, into: Self.filesDirectory(of: path))
        }
        try write(Entry(record: record, pending: pending.sorted(), settings: settings), to: path)
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
                // A replay uploads only the entry's own copies, under keys beside the record.
                let files = Self.filesDirectory(of: path) + "/"
                for attachment in entry.settings.attachments ?? [] {
                    let name = attachment.path.hasPrefix(files) ? attachment.path.dropFirst(files.count) : ""
                    guard !name.isEmpty, !name.contains("/"), name != "..", Self.isSuffix(attachment.suffix) else {
                        throw RecordError.outbox("\(path) names a file outside its entry or an odd S3 key; move it away and replay again")
                    }
                }
                return (path, entry)
            }
    }

    /// Rewrites an entry with fewer pending sinks, or removes it (and its files) when none is left.
    public func update(_ path: String, entry: Entry, pending: [String]) throws {
        if pending.isEmpty {
            try FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: Self.filesDirectory(of: path))
        } else {
            var entry = entry
            entry.pending = pending.sorted()
            try write(entry, to: path)
        }
    }

    /// The outbox directory an entry's file is in (what `record replay --outbox` takes).
    public static func directory(containing entryPath: String) -> String {
        guard let slash = entryPath.lastIndex(of: "/") else { return "." }
        return slash == entryPath.startIndex ? "/" : String(entryPath[..<slash])
    }

    /// What may follow `<repository>/<primary-tag>` in an attachment's S3 key: `.spdx.json`,
    /// `-linux-arm64-v8.spdx.json`.
    static func isSuffix(_ suffix: String) -> Bool {
        (1...128).contains(suffix.count) && suffix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// `DIR/<entry>.files`: where an entry's attachments are kept.
    static func filesDirectory(of path: String) -> String {
        String(path.dropLast(".json".count)) + ".files"
    }

    /// Copies each file into `destination` (built under a temporary name, then renamed).
    private func copy(_ attachments: [S3Sink.Attachment], into destination: String) throws -> [S3Sink.Attachment] {
        let temporary = destination + ".partial"
        do {
            try? FileManager.default.removeItem(atPath: temporary)
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: false)
            var copied: [S3Sink.Attachment] = []
            for (index, attachment) in attachments.enumerated() {
                let name = "\(index)\(attachment.suffix.filter { $0.isLetter || $0.isNumber || "-._".contains($0) })"
                try FileManager.default.copyItem(atPath: attachment.path, toPath: temporary + "/" + name)
                copied.append(S3Sink.Attachment(suffix: attachment.suffix, path: destination + "/" + name))
            }
            guard rename(temporary, destination) == 0 else { throw RecordError.outbox(String(cString: strerror(errno))) }
            return copied
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw RecordError.outbox("cannot copy the record's files into \(destination): \(error.localizedDescription)")
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
