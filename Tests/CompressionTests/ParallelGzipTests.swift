import Compression
import StreamIO
import Foundation
import Testing
import TestSupport

@Suite struct ParallelGzipTests {
    /// Compressible but not trivial input.
    static func sample(_ count: Int) -> [UInt8] {
        var state: UInt32 = 12345
        return (0..<count).map { index in
            state = state &* 1_103_515_245 &+ 12345
            return index % 3 == 0 ? UInt8(truncatingIfNeeded: state >> 24) : UInt8(ascii: "a") + UInt8(index % 7)
        }
    }

    static func compress(_ input: [UInt8], threads: Int, level: Int = 6, blockSize: Int = 64 * 1024, chunk: Int = 10_000) throws -> [UInt8] {
        let pool = try CompressionPool(threads: threads, level: level)
        defer { pool.shutdown() }
        var output: [UInt8] = []
        let writer = ParallelGzipWriter(pool: pool, blockSize: blockSize) { output.append(contentsOf: $0) }
        var index = 0
        while index < input.count {
            let end = min(input.count, index + chunk)
            try input[index..<end].withUnsafeBytes { try writer.write($0) }
            index = end
        }
        try writer.finish()
        #expect(writer.uncompressedCount == Int64(input.count))
        #expect(writer.compressedCount == Int64(output.count))
        return output
    }

    static func gunzip(_ data: [UInt8]) throws -> [UInt8] {
        try GzipReader(source: MemorySource(data)).readAll(limit: 1 << 30)
    }

    @Test(arguments: [1, 2, 3, 8])
    func outputIsIdenticalWhateverTheThreads(threads: Int) throws {
        let input = Self.sample(700_000)
        let reference = try Self.compress(input, threads: 1)
        #expect(try Self.compress(input, threads: threads) == reference)
        #expect(try Self.compress(input, threads: threads, chunk: 4097) == reference)
    }

    @Test func roundTripsThroughOurReaderAndSystemGunzip() throws {
        let input = Self.sample(1_000_003)
        let compressed = try Self.compress(input, threads: 4)
        #expect(try Self.gunzip(compressed) == input)
        #expect(compressed.count < input.count)

        // Independent readers: Python's gzip module (zlib) and gzip(1).
        let directory = try TemporaryDirectory()
        let path = directory.file("data.gz"), raw = directory.file("raw")
        try Data(compressed).write(to: URL(fileURLWithPath: path))
        try Data(input).write(to: URL(fileURLWithPath: raw))
        let python = try Tool.check("python3", [
            "-c", "import gzip,sys; sys.exit(0 if gzip.open(sys.argv[1]).read() == open(sys.argv[2],'rb').read() else 1)",
            path, raw,
        ])
        #expect(python.status == 0)
        let gzipTest = try Tool.run("gzip", ["-t", path])
        #expect(gzipTest.status == 0, "gzip -t: \(gzipTest.stderr)")
    }

    @Test func emptyInputIsValidGzip() throws {
        let compressed = try Self.compress([], threads: 2)
        #expect(compressed.count > 0)
        #expect(try Self.gunzip(compressed).isEmpty)
    }

    @Test func headerIsFixed() throws {
        let compressed = try Self.compress(Array("hello".utf8), threads: 1)
        // ID1 ID2 CM FLG MTIME(4) XFL OS: no name, mtime 0, OS 255.
        #expect(Array(compressed.prefix(10)) == [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
    }

    @Test func levelsOutOfRangeAreRefused() {
        #expect(throws: CompressionError.invalidLevel(13)) { try CompressionPool(threads: 1, level: 13) }
    }

    @Test func truncatedGzipIsAnError() throws {
        let compressed = try Self.compress(Self.sample(200_000), threads: 2)
        #expect(throws: CompressionError.truncatedGzip) {
            try Self.gunzip(Array(compressed.prefix(compressed.count / 2)))
        }
    }

    @Test func corruptGzipIsAnError() throws {
        var compressed = try Self.compress(Self.sample(200_000), threads: 2)
        for index in 200..<240 { compressed[index] ^= 0x5a }
        #expect(throws: CompressionError.self) { try Self.gunzip(compressed) }
    }

    @Test func trailingGarbageIsAnErrorButZeroPaddingIsNot() throws {
        let compressed = try Self.compress(Array("payload".utf8), threads: 1)
        #expect(try Self.gunzip(compressed + [0, 0, 0, 0]) == Array("payload".utf8))
        #expect(throws: CompressionError.self) { try Self.gunzip(compressed + Array("junk".utf8)) }
    }

    /// The sink runs on the writer's own thread: its error still reaches the caller (the
    /// next write, or finish), and nothing after the failed block is handed to it.
    @Test func aFailingSinkStopsTheStreamAndItsErrorReachesTheCaller() throws {
        struct DiskFull: Error {}
        let pool = try CompressionPool(threads: 2, level: 1)
        defer { pool.shutdown() }
        let calls = LockedCounter()
        let writer = ParallelGzipWriter(pool: pool, blockSize: 4096) { _ in
            if calls.increment() == 3 { throw DiskFull() }
        }
        let input = Self.sample(200_000)
        #expect(throws: DiskFull.self) {
            var index = 0
            while index < input.count {
                let end = min(input.count, index + 1000)
                try input[index..<end].withUnsafeBytes { try writer.write($0) }
                index = end
            }
            try writer.finish()
        }
        #expect(calls.value == 3)
    }
}

private final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() -> Int { lock.withLock { count += 1; return count } }
    var value: Int { lock.withLock { count } }
}
