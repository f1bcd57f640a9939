/// Errors of compression and decompression.
public enum CompressionError: Error, Equatable, CustomStringConvertible {
    /// The gzip data is not valid (bad header, bad deflate data, CRC or length mismatch).
    case corruptGzip(String)
    /// The gzip stream ended before its last member was complete.
    case truncatedGzip
    /// The compressor refused the requested level.
    case invalidLevel(Int)

    public var description: String {
        switch self {
        case .corruptGzip(let detail): return "corrupt gzip data: \(detail)"
        case .truncatedGzip: return "the gzip stream is truncated (it ends inside a compressed member)"
        case .invalidLevel(let level): return "compression level \(level) is out of range (0-12)"
        }
    }
}
