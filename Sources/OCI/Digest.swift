/// A content digest such as `sha256:9f86d0…`.
///
/// Parsing is strict: only `sha256` and `sha512` with lowercase hexadecimal of the exact
/// length are accepted, so a digest read from untrusted JSON can be used safely as a file
/// name or URL component.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Algorithm: String, Sendable {
        case sha256
        case sha512

        var hexLength: Int { self == .sha256 ? 64 : 128 }
    }

    public let algorithm: Algorithm
    /// Lowercase hexadecimal encoding of the hash.
    public let hex: String

    /// Parses `algorithm:hex`; returns `nil` for anything else.
    public init?(_ string: String) {
        guard let colon = string.firstIndex(of: ":"),
              let algorithm = Algorithm(rawValue: String(string[..<colon]))
        else { return nil }
        let hex = String(string[string.index(after: colon)...])
        self.init(algorithm: algorithm, hex: hex)
    }

    /// Creates a digest from its parts; returns `nil` when `hex` is not lowercase hex of the
    /// algorithm's length.
    public init?(algorithm: Algorithm, hex: String) {
        guard hex.utf8.count == algorithm.hexLength,
              hex.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return nil }
        self.algorithm = algorithm
        self.hex = hex
    }

    public var description: String { "\(algorithm.rawValue):\(hex)" }

    /// The first 12 hex digits, for human-readable summaries.
    public var shortHex: String { String(hex.prefix(12)) }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }
}

extension Digest: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let digest = Digest(string) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a valid digest: \(string.prefix(80))")
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
