import Foundation

/// Deterministic JSON for manifests, indexes and layout files: sorted keys, no escaped
/// slashes, no whitespace. The same value always encodes to the same bytes, so the digest
/// computed locally is the digest the registry will report.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}
