/// A pull-based stream of bytes: files, tar entries, decompressors and tees all conform, so
/// they compose into one streaming pass.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer` and returns how many were read.
    /// Returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Reads until `buffer` is full or the stream ends; returns the number of bytes read.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if n == 0 { break }
            filled += n
        }
        return filled
    }

    /// Up to `count` bytes from what is left of the stream (fewer only at its end), for a
    /// look at a header before the rest is read.
    public func readPrefix(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(count, 0))
        let read = try bytes.withUnsafeMutableBytes { try readFully(into: $0) }
        bytes.removeSubrange(read...)
        return bytes
    }

    /// Reads and discards everything up to the end of the stream; returns the byte count.
    @discardableResult
    public func drain(bufferSize: Int = 256 * 1024) throws -> Int64 {
        var total: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try read(into: buffer)
            if n == 0 { return total }
            total += Int64(n)
        }
    }

    /// Reads the whole stream into memory, refusing streams longer than `limit` bytes.
    public func readAll(limit: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return result }
            guard result.count + n <= limit else { throw ByteSourceError.tooLarge(limit: limit) }
            result.append(contentsOf: chunk[..<n])
        }
    }
}

/// Errors of the generic stream helpers.
public enum ByteSourceError: Error, Equatable, CustomStringConvertible {
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .tooLarge(let limit): return "the data is larger than the allowed \(limit) bytes"
        }
    }
}

/// A source over bytes held in memory (small metadata, tests).
public final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + n]))
        }
        offset += n
        return n
    }
}
