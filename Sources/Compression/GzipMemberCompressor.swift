import CDeflate

/// Compresses one block into one complete gzip member with libdeflate.
///
/// The member header is fixed (no name, mtime 0, OS 255), so the same input and level always
/// give the same bytes. Not thread-safe: each worker thread owns one.
final class GzipMemberCompressor {
    private let compressor: OpaquePointer
    /// Level 0 (stored blocks), for blocks ``IncompressibleBlock`` recognizes; nil at level 0.
    private let storer: OpaquePointer?

    init(level: Int) throws {
        guard (0...12).contains(level), let compressor = libdeflate_alloc_compressor(Int32(level)) else {
            throw CompressionError.invalidLevel(level)
        }
        self.compressor = compressor
        storer = level > 0 ? libdeflate_alloc_compressor(0) : nil
    }

    deinit {
        libdeflate_free_compressor(compressor)
        if let storer { libdeflate_free_compressor(storer) }
    }

    func compress(_ input: [UInt8]) -> [UInt8] {
        let chosen = input.withUnsafeBytes { bytes in
            storer.flatMap { IncompressibleBlock.detect(bytes) ? $0 : nil } ?? compressor
        }
        let bound = libdeflate_gzip_compress_bound(chosen, input.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { output, count in
            count = input.withUnsafeBytes { source in
                libdeflate_gzip_compress(chosen, source.baseAddress, source.count, output.baseAddress, bound)
            }
            // The bound is libdeflate's own worst case: a zero return cannot happen.
            precondition(count > 0, "libdeflate_gzip_compress exceeded its own bound")
        }
    }
}
