import Foundation

/// The one JSON form of the module's files (the record in S3, outbox entries): sorted keys,
/// indented, slashes as they are, a final newline.
enum RecordJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(value)) + [0x0a]
    }
}
