import Compression
import StreamIO

/// Passes every byte read through it to observers (hashers, compressors, spool files), so
/// one read feeds every consumer.
final class TeeSource: ByteSource {
    private let upstream: any ByteSource
    private var observers: [(UnsafeRawBufferPointer) throws -> Void]
    private(set) var count: Int64 = 0

    init(_ upstream: any ByteSource, observers: [(UnsafeRawBufferPointer) throws -> Void]) {
        self.upstream = upstream
        self.observers = observers
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try upstream.read(into: buffer)
        if n > 0 {
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<n])
            for observer in observers { try observer(chunk) }
            count += Int64(n)
        }
        return n
    }
}

/// Replays bytes already read (a peeked header) before continuing with the upstream source.
final class PrefixedSource: ByteSource {
    private var prefix: [UInt8]
    private var prefixOffset = 0
    private let upstream: any ByteSource

    init(prefix: [UInt8], upstream: any ByteSource) {
        self.prefix = prefix
        self.upstream = upstream
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if prefixOffset < prefix.count {
            let n = min(buffer.count, prefix.count - prefixOffset)
            prefix.withUnsafeBytes { bytes in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[prefixOffset..<prefixOffset + n]))
            }
            prefixOffset += n
            if prefixOffset == prefix.count {
                prefix = []
                prefixOffset = 0
            }
            return n
        }
        return try upstream.read(into: buffer)
    }
}
