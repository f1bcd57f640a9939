#if canImport(Glibc)
import Glibc
#endif

/// The few file system calls the archive code needs, with errors that name the path.
public enum FileSystem {
    /// `mkdir -p`.
    public static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw OutputError.writeFailed(path: current, reason: String(cString: strerror(errno)))
            }
        }
    }

    /// A new private directory (mode 0700, a name nobody can guess) in the temporary
    /// directory (`TMPDIR`, else `/tmp`): `<prefix>-XXXXXX`. The caller removes it.
    public static func makeTemporaryDirectory(prefix: String) throws -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        guard let path = mkdtemp(&template) else {
            throw OutputError.writeFailed(path: base, reason: String(cString: strerror(errno)))
        }
        return String(cString: path)
    }

    /// Names in a directory, without `.` and `..`.
    public static func list(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else {
            throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// `rm -rf`, never following symlinks.
    public static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in (try? list(path)) ?? [] { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Whether something exists at `path` (without following a final symlink).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Whether `path` is a regular file (following symlinks): one that can be read again.
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Writes a small file atomically (temporary name, then rename).
    public static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw OutputError.writeFailed(path: path, reason: reason)
            }
            offset += n
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Renames, replacing an existing directory at the destination.
    public static func replace(_ destination: String, with source: String) throws {
        if exists(destination) { removeTree(destination) }
        guard rename(source, destination) == 0 else {
            throw OutputError.writeFailed(path: destination, reason: String(cString: strerror(errno)))
        }
    }
}
