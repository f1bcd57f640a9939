import Foundation
import ImageArchive
import Testing
import TestSupport

/// Mutation fuzzing of the tar, manifest and layout parsers: flipped bytes, truncations,
/// spliced headers. A bounded number of iterations from a fixed seed, so runs repeat.
/// Every mutant must be read or refused with a typed error: no crash, no hang, no other error.
@Suite struct FuzzTests {
    static func mutate(_ input: [UInt8], rng: inout SplitMix) -> [UInt8] {
        var bytes = input
        switch rng.below(5) {
        case 0:  // flip bytes anywhere
            for _ in 0..<(1 + rng.below(8)) { bytes[rng.below(bytes.count)] ^= UInt8(1 + rng.below(255)) }
        case 1:  // flip bytes inside a header block's numeric and name fields
            let block = rng.below(bytes.count / 512) * 512
            for _ in 0..<(1 + rng.below(4)) {
                let field = [0, 100, 124, 136, 148, 156, 157, 345][rng.below(8)]
                let index = min(bytes.count - 1, block + field + rng.below(12))
                bytes[index] = UInt8(rng.below(256))
            }
        case 2:  // truncate
            bytes = Array(bytes.prefix(rng.below(bytes.count)))
        case 3:  // corrupt JSON punctuation
            let targets = bytes.indices.filter { [UInt8(ascii: "{"), UInt8(ascii: "\""), UInt8(ascii: ":")].contains(bytes[$0]) }
            for _ in 0..<(1 + rng.below(3)) where !targets.isEmpty {
                bytes[targets[rng.below(targets.count)]] = Array("}x[0".utf8)[rng.below(4)]
            }
        default:  // duplicate a block range
            let start = rng.below(bytes.count / 512) * 512
            let length = min(bytes.count - start, 512 * (1 + rng.below(3)))
            bytes.insert(contentsOf: bytes[start..<start + length], at: min(bytes.count, start + length))
        }
        return bytes
    }

    @Test(arguments: ["sample-docker-classic.tar", "sample-docker-oci.tar", "sample-oci-archive.tar", "multi-arch-oci.tar"])
    func mutantsAreReadOrRefused(fixture: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Paths.fixtureImage(fixture))))
        let directory = try TemporaryDirectory("fuzz")
        var rng = SplitMix(state: fixture.utf8.reduce(0xC0FFEE) { $0 &* 31 &+ UInt64($1) })
        var refused = 0
        let iterations = 150
        for iteration in 0..<iterations {
            let mutant = Self.mutate(original, rng: &rng)
            let path = directory.file("mutant.tar")
            try Data(mutant).write(to: URL(fileURLWithPath: path))
            do {
                _ = try ArchiveReading().read(path)
            } catch is ArchiveError {
                refused += 1
            } catch {
                Issue.record("iteration \(iteration): unexpected error \(error)")
            }
        }
        #expect(refused > 0)
    }
}
