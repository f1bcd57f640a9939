import Compression
import Foundation
import StreamIO
import Testing
import TestSupport

/// The zstd decoder against data written by the zstd command.
@Suite struct ZstdReaderTests {
    static func compressed(_ input: [UInt8], arguments: [String] = []) throws -> [UInt8] {
        let directory = try TemporaryDirectory()
        try Data(input).write(to: URL(fileURLWithPath: directory.file("in")))
        try Tool.check("zstd", ["-q", "-f"] + arguments + [directory.file("in"), "-o", directory.file("in.zst")])
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.file("in.zst"))))
    }

    static func decompress(_ data: [UInt8]) throws -> [UInt8] {
        try ZstdReader(source: MemorySource(data)).readAll(limit: 1 << 30)
    }

    @Test func roundTripsMultipleFrames() throws {
        let input = ParallelGzipTests.sample(2_000_000)
        let first = try Self.compressed(Array(input[..<700_000]))
        let second = try Self.compressed(Array(input[700_000...]), arguments: ["-19"])
        #expect(try Self.decompress(first + second) == input)
    }

    @Test func truncatedAndCorruptDataAreErrors() throws {
        let data = try Self.compressed(ParallelGzipTests.sample(300_000))
        #expect(throws: CompressionError.truncatedZstd) { try Self.decompress(Array(data.prefix(data.count - 10))) }
        var corrupt = data
        for index in 40..<80 { corrupt[index] ^= 0xa5 }
        #expect(throws: CompressionError.self) { try Self.decompress(corrupt) }
    }
}
