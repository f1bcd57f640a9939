import Foundation

/// Recognizes a block that deflate cannot shrink (compressed or encrypted data: jars, zips,
/// images, already-gzipped files), so it can be stored instead of searched for matches that
/// are not there. libdeflate spends as long failing on such data as compressing text;
/// zstd, pgzip and the like skip it the same way.
///
/// A block counts as incompressible when both of deflate's means of gain are shut:
/// - Huffman coding: the byte entropy is at least 7.99 bits (at most 0.125 % to gain);
/// - LZ77: at most one position in 10,000 of the windows probed starts a 4-byte repeat of
///   a position at most 32 KiB back (deflate's window).
/// The verdict depends only on the bytes, so output stays deterministic.
enum IncompressibleBlock {
    /// Smaller blocks are left to the compressor: the probe would cost more than it saves.
    static let minimumSize = 64 * 1024

    static func detect(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= minimumSize else { return false }
        // Text and code show their low entropy in any 64 KiB: most blocks stop there.
        let head = UnsafeRawBufferPointer(rebasing: bytes[..<minimumSize])
        return entropyBits(head) >= 7.9 && entropyBits(bytes) >= 7.99 && !hasRepeats(bytes)
    }

    /// Order-0 entropy in bits per byte; four histograms to keep stores independent.
    static func entropyBits(_ bytes: UnsafeRawBufferPointer) -> Double {
        var counts = [Int](repeating: 0, count: 4 * 256)
        counts.withUnsafeMutableBufferPointer { histogram in
            let h = histogram.baseAddress!
            var index = 0
            let end = bytes.count & ~3
            while index < end {
                h[Int(bytes[index])] &+= 1
                h[256 + Int(bytes[index + 1])] &+= 1
                h[512 + Int(bytes[index + 2])] &+= 1
                h[768 + Int(bytes[index + 3])] &+= 1
                index += 4
            }
            while index < bytes.count {
                h[Int(bytes[index])] &+= 1
                index += 1
            }
        }
        let total = Double(bytes.count)
        var bits = 0.0
        for value in 0..<256 {
            let count = counts[value] + counts[256 + value] + counts[512 + value] + counts[768 + value]
            guard count > 0 else { continue }
            let p = Double(count) / total
            bits -= p * log2(p)
        }
        return bits
    }

    /// Whether more than one position in 10,000 of four 64 KiB windows (spread over the
    /// block) starts four bytes seen at most 32 KiB earlier, as far as a one-slot hash table
    /// remembers. Probing a quarter of the block keeps the check cheap; within each window
    /// every position and every distance deflate can use is covered.
    static func hasRepeats(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let window = 64 * 1024
        let windows = 4
        let allowed = window * windows / 10_000
        var found = 0
        var table = [Int32](repeating: -1, count: 1 << 14)
        return table.withUnsafeMutableBufferPointer { slots in
            let base = bytes.baseAddress!
            for index in 0..<windows {
                let start = (bytes.count - window) / (windows - 1) * index
                for slot in slots.indices { slots[slot] = -1 }
                for position in start..<(start + window - 3) {
                    let word = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
                    let slot = Int((word &* 2_654_435_761) >> 18)
                    let previous = Int(slots[slot])
                    if previous >= 0, position - previous <= 32 * 1024,
                       base.loadUnaligned(fromByteOffset: previous, as: UInt32.self) == word {
                        found += 1
                        if found > allowed { return true }
                    }
                    slots[slot] = Int32(position)
                }
            }
            return false
        }
    }
}
