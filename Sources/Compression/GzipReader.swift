import CZlib
import StreamIO

/// Streams the decompressed content of gzip data (one or more members) from a source.
///
/// Memory stays at the two buffers whatever the size of the data. Corrupt or truncated input
/// is an error, never a short read.
public final class GzipReader: ByteSource {
    private let source: any ByteSource
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var sourceEnded = false
    private var memberEnded = false
    private var finished = false

    /// Compressed bytes consumed from the source so far.
    public private(set) var compressedCount: Int64 = 0

    public init(source: any ByteSource, bufferSize: Int = 128 * 1024) throws {
        self.source = source
        self.input = .allocate(byteCount: bufferSize, alignment: 16)
        self.stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: a gzip wrapper is required (the caller checked the magic).
        let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            input.deallocate()
            throw CompressionError.corruptGzip("zlib could not start (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        while true {
            if memberEnded {
                guard try startNextMember() else {
                    finished = true
                    return 0
                }
            }
            if stream.pointee.avail_in == 0 && !sourceEnded { try refill() }
            stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = buffer.count - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                memberEnded = true
                if produced > 0 { return produced }
            case Z_OK:
                if produced > 0 { return produced }
            case Z_BUF_ERROR:
                if produced > 0 { return produced }
                if sourceEnded && stream.pointee.avail_in == 0 { throw CompressionError.truncatedGzip }
            case Z_DATA_ERROR:
                throw CompressionError.corruptGzip(message() ?? "invalid deflate data")
            case Z_MEM_ERROR:
                throw CompressionError.corruptGzip("zlib ran out of memory")
            default:
                throw CompressionError.corruptGzip(message() ?? "zlib status \(status)")
            }
            if sourceEnded && stream.pointee.avail_in == 0 && !memberEnded && produced == 0 {
                throw CompressionError.truncatedGzip
            }
        }
    }

    /// After a member: starts the next one, or returns false at the end of the data.
    /// Trailing zero bytes (padding some tools add) are accepted; other trailing data is not.
    private func startNextMember() throws -> Bool {
        while true {
            if stream.pointee.avail_in == 0 {
                if sourceEnded { return false }
                try refill()
                continue
            }
            let next = stream.pointee.next_in!
            if next.pointee == 0 {
                stream.pointee.next_in = next + 1
                stream.pointee.avail_in -= 1
                continue
            }
            guard next.pointee == 0x1f else {
                throw CompressionError.corruptGzip("unexpected data after the end of the gzip stream")
            }
            inflateReset(stream)
            memberEnded = false
            return true
        }
    }

    private func refill() throws {
        let n = try source.read(into: input)
        if n == 0 {
            sourceEnded = true
            return
        }
        compressedCount += Int64(n)
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = UInt32(n)
    }

    private func message() -> String? {
        stream.pointee.msg.map { String(cString: $0) }
    }
}
