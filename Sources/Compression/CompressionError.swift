/// Errors of compression and decompression.
public enum CompressionError: Error, Equatable, CustomStringConvertible {
    /// The gzip data is not valid (bad header, bad deflate data, CRC or length mismatch).
    case corruptGzip(String)
    /// The gzip stream ended before its last member was complete.
    case truncatedGzip
    /// The zstd data is not valid.
    case corruptZstd(String)
    /// The zstd stream ended inside a frame.
    case truncatedZstd
    /// The compressor refused the requested level.
    case invalidLevel(Int)

    public var description: String {
        switch self {
        case .corruptGzip(let detail): return "corrupt gzip data: \(detail)"
        case .truncatedGzip: return "the gzip stream is truncated (it ends inside a compressed member)"
        case .corruptZstd(let detail): return "corrupt zstd data: \(detail)"
        case .truncatedZstd: return "the zstd stream is truncated (it ends inside a frame)"
        case .invalidLevel(let level): return "compression level \(level) is out of range (0-12)"
        }
    }
}
