/// Reads its upstream in large chunks and serves small reads from memory, so a reader that
/// asks for 512 bytes at a time (a tar header walk) costs one upstream read (a syscall, a
/// hash update, a compressor write) per chunk, not per header.
///
/// Reads of at least a whole chunk, when nothing is buffered, go straight to the caller's
/// buffer without a copy. Bytes read ahead stay buffered: drain this source, not its
/// upstream, to consume the rest of the stream.
public final class BufferedSource: ByteSource {
    private let upstream: any ByteSource
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0

    public init(_ upstream: any ByteSource, chunkSize: Int = 256 * 1024) {
        self.upstream = upstream
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 4096), alignment: 64)
    }

    deinit { buffer.deallocate() }

    public func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard destination.count > 0 else { return 0 }
        if start == end {
            if destination.count >= buffer.count { return try upstream.read(into: destination) }
            start = 0
            end = try upstream.read(into: buffer)
            if end == 0 { return 0 }
        }
        let n = min(destination.count, end - start)
        destination.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: n)
        start += n
        return n
    }
}
