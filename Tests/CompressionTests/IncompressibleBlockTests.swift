@testable import Compression
import Foundation
import Testing
import TestSupport

/// Blocks deflate cannot shrink are stored, and only those: the output is still gzip that
/// `gzip -t` (not our reader) accepts, never larger than the level's own output by more than
/// a stored block's framing, and smaller input shapes keep being compressed.
@Suite struct IncompressibleBlockTests {
    static func random(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix(state: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    @Test func randomDataIsStoredAndStaysValidGzip() throws {
        let input = Self.random(3 << 20, seed: 7)
        let output = try ParallelGzipTests.compress(input, threads: 2, level: 6, blockSize: 1 << 20, chunk: 256 * 1024)
        // Stored deflate: 5 bytes of framing per 64 KiB and 18 of gzip framing per member.
        #expect(output.count <= input.count + 3 * (18 + 5 * 17))
        #expect(try ParallelGzipTests.gunzip(output) == input)
        let directory = try TemporaryDirectory("incompressible")
        let file = directory.file("random.gz")
        try Data(output).write(to: URL(fileURLWithPath: file))
        try Tool.check("gzip", ["-t", file])
    }

    @Test func repeatsWithinTheWindowAreStillCompressed() throws {
        // High byte entropy, but each 16 KiB repeats: deflate halves it and more.
        let tile = Self.random(16 * 1024, seed: 9)
        let input = Array((0..<64).map { _ in tile }.joined())
        let output = try ParallelGzipTests.compress(input, threads: 2, level: 6, blockSize: 1 << 20, chunk: 256 * 1024)
        #expect(output.count < input.count / 10)
        #expect(try ParallelGzipTests.gunzip(output) == input)
    }

    @Test func textIsCompressedAsBefore() throws {
        let input = ParallelGzipTests.sample(1 << 20)
        let stored = try ParallelGzipTests.compress(input, threads: 1, level: 0, blockSize: 1 << 20)
        let compressed = try ParallelGzipTests.compress(input, threads: 1, level: 6, blockSize: 1 << 20)
        #expect(compressed.count < stored.count * 6 / 10)
    }

    @Test func theProbeTellsTheShapesApart() {
        func detect(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { IncompressibleBlock.detect($0) } }
        let tile = Self.random(16 * 1024, seed: 11)
        #expect(detect(Self.random(1 << 20, seed: 3)))
        #expect(!detect(Array((0..<64).map { _ in tile }.joined())))
        #expect(!detect(ParallelGzipTests.sample(1 << 20)))
        #expect(!detect([UInt8](repeating: 0, count: 1 << 20)))
        #expect(!detect(Self.random(32 * 1024, seed: 5)), "small blocks are left to the compressor")
    }
}
