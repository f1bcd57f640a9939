import Compression
import StreamIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file (or standard input) sequentially with `read(2)`.
public final class FileSource: ByteSource {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// The path shown in messages.
    public let path: String
    /// Bytes read so far.
    public private(set) var offset: Int64 = 0

    /// Opens `path` for reading; `-` is standard input.
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
            return
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ArchiveError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw ArchiveError.notAnArchive(path: path, reason: "it is a directory")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ArchiveError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        descriptor = fd
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if n >= 0 {
                offset += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw ArchiveError.readFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
