import Foundation

/// Gzip-compresses a stream in fixed-size blocks on a ``CompressionPool`` and hands the
/// output to a sink in order.
///
/// Every block becomes one gzip member; the members join into one valid multi-member gzip
/// stream (RFC 1952 §2.2), which zlib, Go's `compress/gzip`, containerd and the registries
/// read as one. The bytes depend only on the input, the level and the block size, never on
/// the number of threads, so the digest is reproducible.
///
/// The sink runs on a thread of the writer's own, in block order, so what it does (hashing
/// the compressed stream, writing it to disk) overlaps the caller's reading and hashing of
/// the input instead of adding to it: on incompressible data, where deflate has little to
/// do, those two passes over the bytes are most of the work.
public final class ParallelGzipWriter {
    /// The default block: 1 MiB costs under 1 % of ratio against a single stream
    /// (see shared/design/PERFORMANCE.md).
    public static let defaultBlockSize = 1 << 20

    private let pool: CompressionPool
    private let blockSize: Int
    private let output: OrderedOutput
    private let maxInFlight: Int
    private var block: [UInt8]
    private var submitted = 0

    /// Bytes given to ``write(_:)`` so far.
    public private(set) var uncompressedCount: Int64 = 0
    /// Bytes handed to the sink so far (final once ``finish()`` returns).
    public var compressedCount: Int64 { output.bytesWritten }

    /// - Parameters:
    ///   - pool: the threads that compress.
    ///   - blockSize: input bytes per gzip member.
    ///   - sink: receives the compressed stream in order, on the writer's output thread; an
    ///     error it throws is rethrown by the next ``write(_:)`` or by ``finish()``.
    public init(
        pool: CompressionPool, blockSize: Int = ParallelGzipWriter.defaultBlockSize,
        sink: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) {
        self.pool = pool
        self.blockSize = blockSize
        self.output = OrderedOutput(sink: sink)
        // Enough blocks to keep every thread busy, capped so memory stays bounded (each block in
        // flight holds up to 2 MiB) however many threads are asked for.
        self.maxInFlight = min(pool.threadCount * 2 + 1, 8)
        self.block = []
        self.block.reserveCapacity(blockSize)
    }

    deinit { output.stop() }

    /// Adds bytes to the stream.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        uncompressedCount += Int64(bytes.count)
        var remaining = bytes
        while !remaining.isEmpty {
            let take = min(blockSize - block.count, remaining.count)
            block.append(contentsOf: UnsafeRawBufferPointer(rebasing: remaining[..<take]))
            remaining = UnsafeRawBufferPointer(rebasing: remaining[take...])
            if block.count == blockSize { try submitBlock() }
        }
    }

    /// Compresses what is left and waits until the sink has everything. An empty stream still
    /// gets one (empty) gzip member, so the output is always valid gzip.
    public func finish() throws {
        if !block.isEmpty || submitted == 0 { try submitBlock() }
        try output.waitUntilWritten(submitted)
        output.stop()
    }

    private func submitBlock() throws {
        // Wait only when too many blocks are in flight (compressing or not yet written).
        try output.waitUntilWritten(submitted - maxInFlight + 1)
        let input = block
        block = []
        block.reserveCapacity(blockSize)
        let sequence = submitted
        submitted += 1
        let output = self.output
        pool.submit { compressor in
            output.store(compressor.compress(input), for: sequence)
        }
    }
}

/// Compressed blocks handed from the workers to the sink, in sequence order, by a thread of
/// its own.
private final class OrderedOutput: @unchecked Sendable {
    private let condition = NSCondition()
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private var done: [Int: [UInt8]] = [:]
    private var written = 0
    private var bytes: Int64 = 0
    private var failure: (any Error)?
    private var stopping = false

    init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.sink = sink
        let thread = Thread { [self] in drain() }
        thread.name = "gzip-out"
        thread.start()
    }

    var bytesWritten: Int64 { condition.withLock { bytes } }

    func store(_ output: [UInt8], for sequence: Int) {
        condition.withLock {
            done[sequence] = output
            condition.broadcast()
        }
    }

    /// Blocks until the first `count` blocks are written; throws the sink's failure.
    func waitUntilWritten(_ count: Int) throws {
        condition.lock()
        defer { condition.unlock() }
        while written < count && failure == nil { condition.wait() }
        if let failure { throw failure }
    }

    /// Ends the output thread: after ``waitUntilWritten(_:)`` for everything, or on abandon
    /// (blocks not yet written are dropped).
    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
    }

    private func drain() {
        while true {
            condition.lock()
            while done[written] == nil && !stopping && failure == nil { condition.wait() }
            // Stopped: after finish() everything is written; on abandon the rest is dropped.
            guard !stopping, failure == nil, let next = done.removeValue(forKey: written) else {
                condition.unlock()
                return
            }
            condition.unlock()
            do {
                try next.withUnsafeBytes { try sink($0) }
                condition.withLock {
                    written += 1
                    bytes += Int64(next.count)
                    condition.broadcast()
                }
            } catch {
                condition.withLock {
                    failure = error
                    condition.broadcast()
                }
                return
            }
        }
    }
}
