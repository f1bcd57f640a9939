import CZstd
import StreamIO

/// Streams the decompressed content of zstd data (one or more frames) with libzstd's
/// streaming decoder, in bounded memory. A window larger than 128 MiB is refused (zstd's
/// own default limit), as is corrupt or truncated input.
public final class ZstdReader: ByteSource {
    private let source: any ByteSource
    private let stream: OpaquePointer
    private let input: UnsafeMutableRawBufferPointer
    private var inputBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    private var sourceEnded = false
    /// The decoder's last hint: 0 when a frame has just ended.
    private var frameRemaining = 0

    public init(source: any ByteSource, bufferSize: Int = ZSTD_DStreamInSize()) throws {
        self.source = source
        guard let stream = ZSTD_createDStream() else { throw CompressionError.corruptZstd("cannot create a decoder") }
        self.stream = stream
        self.input = .allocate(byteCount: bufferSize, alignment: 64)
        ZSTD_initDStream(stream)
    }

    deinit {
        ZSTD_freeDStream(stream)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            if inputBuffer.pos == inputBuffer.size && !sourceEnded {
                let n = try source.read(into: input)
                if n == 0 {
                    sourceEnded = true
                } else {
                    inputBuffer = ZSTD_inBuffer(src: input.baseAddress, size: n, pos: 0)
                }
            }
            if sourceEnded && inputBuffer.pos == inputBuffer.size {
                guard frameRemaining == 0 else { throw CompressionError.truncatedZstd }
                return 0
            }
            var output = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
            let result = ZSTD_decompressStream(stream, &output, &inputBuffer)
            if ZSTD_isError(result) != 0 {
                throw CompressionError.corruptZstd(String(cString: ZSTD_getErrorName(result)))
            }
            frameRemaining = result
            if output.pos > 0 { return output.pos }
        }
    }
}
