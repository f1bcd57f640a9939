import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A ``ResponseBodySink`` writing to a file (truncated at every attempt).
public final class FileSink: ResponseBodySink, @unchecked Sendable {
    public let path: String
    private var descriptor: Int32 = -1
    private let lock = NSLock()

    public init(path: String) { self.path = path }

    deinit { if descriptor >= 0 { close(descriptor) } }

    public func reset() throws {
        lock.lock()
        defer { lock.unlock() }
        if descriptor >= 0 { close(descriptor) }
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw HTTPError.bodySource("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        lock.lock()
        defer { lock.unlock() }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw HTTPError.bodySource("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    /// Closes the file; call when the transfer is done.
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }
}
