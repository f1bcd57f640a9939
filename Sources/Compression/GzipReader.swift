import CIsal
import StreamIO

/// Streams the decompressed content of gzip data (one or more members) from a source, with
/// ISA-L's `isal_inflate`: the fastest streaming inflater measured on this machine kind
/// (shared/design/PERFORMANCE.md: about 3x zlib), with bounded memory.
///
/// Corrupt or truncated input is an error, never a short read. Trailing zero bytes after the
/// last member (padding some tools add) are accepted; other trailing data is not.
public final class GzipReader: ByteSource {
    private let source: any ByteSource
    private let state: UnsafeMutablePointer<inflate_state>
    private let input: UnsafeMutableRawBufferPointer
    private var sourceEnded = false
    private var memberEnded = false
    private var finished = false

    /// Compressed bytes consumed from the source so far.
    public private(set) var compressedCount: Int64 = 0

    public init(source: any ByteSource, bufferSize: Int = 256 * 1024) throws {
        self.source = source
        self.input = .allocate(byteCount: bufferSize, alignment: 64)
        self.state = .allocate(capacity: 1)
        state.initialize(to: inflate_state())
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
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
            if state.pointee.avail_in == 0 && !sourceEnded { try refill() }
            state.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            state.pointee.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
            let status = isal_inflate(state)
            let produced = buffer.count - Int(state.pointee.avail_out)
            guard status == ISAL_DECOMP_OK || status == ISAL_END_INPUT || status == ISAL_OUT_OVERFLOW else {
                throw CompressionError.corruptGzip(Self.describe(status))
            }
            if state.pointee.block_state == ISAL_BLOCK_FINISH { memberEnded = true }
            if produced > 0 { return produced }
            if !memberEnded && sourceEnded && state.pointee.avail_in == 0 { throw CompressionError.truncatedGzip }
        }
    }

    /// After a member: starts the next one, or returns false at the end of the data.
    private func startNextMember() throws -> Bool {
        while true {
            if state.pointee.avail_in == 0 {
                if sourceEnded { return false }
                try refill()
                continue
            }
            let next = state.pointee.next_in!
            if next.pointee == 0 {
                state.pointee.next_in = next + 1
                state.pointee.avail_in -= 1
                continue
            }
            guard next.pointee == 0x1f else {
                throw CompressionError.corruptGzip("unexpected data after the end of the gzip stream")
            }
            let pending = (state.pointee.next_in, state.pointee.avail_in)
            isal_inflate_reset(state)
            state.pointee.crc_flag = UInt32(ISAL_GZIP)
            state.pointee.next_in = pending.0
            state.pointee.avail_in = pending.1
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
        state.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_in = UInt32(n)
    }

    private static func describe(_ status: Int32) -> String {
        switch status {
        case ISAL_INVALID_BLOCK: return "invalid deflate block"
        case ISAL_INVALID_SYMBOL: return "invalid deflate symbol"
        case ISAL_INVALID_LOOKBACK: return "invalid distance too far back"
        case ISAL_INVALID_WRAPPER: return "invalid gzip header"
        case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method"
        case ISAL_INCORRECT_CHECKSUM: return "CRC or length mismatch"
        default: return "inflate error \(status)"
        }
    }
}
