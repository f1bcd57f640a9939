import Crypto
import OCI
#if canImport(Glibc)
import Glibc
#endif

/// A content-addressed directory of blobs: `<directory>/<algorithm>/<hex>`.
///
/// Writers fill a temporary file and rename it to its digest only when complete, so a crash
/// never leaves a partial blob under a real digest (the way go-containerregistry's layout
/// writer does).
public final class BlobSpool: @unchecked Sendable {
    /// The directory holding `sha256/…`.
    public let directory: String
    private var counter = 0
    /// Called with each blob as it is committed (digest, size, path), from the writing
    /// thread: uploads can start while the pass reads on. Set before the first write.
    public var onCommit: (@Sendable (Digest, Int64, String) -> Void)?
    /// Watches a new layer's blob while it is written (given its temporary path), so its
    /// upload can start before it is complete. Set before the first write.
    public var observeNewLayer: (@Sendable (String) -> (any BlobWriteObserver)?)?

    /// Creates the spool in `directory` (created if missing).
    public init(directory: String) throws {
        self.directory = directory
        try FileSystem.makeDirectories(directory + "/sha256")
    }

    /// The path of a stored blob.
    public func path(for digest: Digest) -> String {
        "\(directory)/\(digest.algorithm.rawValue)/\(digest.hex)"
    }

    /// Whether the blob is stored.
    public func contains(_ digest: Digest) -> Bool {
        access(path(for: digest), F_OK) == 0
    }

    /// Starts a new blob; ``observeNewLayer`` watches it when it is a `newLayer` (one the
    /// destination is known to lack).
    public func makeWriter(newLayer: Bool = false) throws -> BlobWriter {
        counter += 1
        let writer = try BlobWriter(temporaryPath: "\(directory)/.tmp-\(getpid())-\(counter)", spool: self)
        if newLayer { writer.observer = observeNewLayer?(writer.temporaryPath) }
        return writer
    }

    /// Stores bytes held in memory (configs, manifests) and returns their descriptor parts.
    @discardableResult
    public func store(_ bytes: [UInt8]) throws -> (digest: Digest, size: Int64) {
        let writer = try makeWriter()
        try bytes.withUnsafeBytes { try writer.write($0) }
        let digest = writer.finalizeDigest()
        try writer.commit(as: digest)
        return (digest, Int64(bytes.count))
    }

    /// Deletes every stored blob not in `keep`, and any leftover temporary file.
    public func removeAll(except keep: Set<Digest>) throws {
        for name in try FileSystem.list(directory + "/sha256") {
            guard let digest = Digest(algorithm: .sha256, hex: name), keep.contains(digest) else {
                unlink("\(directory)/sha256/\(name)")
                continue
            }
        }
        for name in try FileSystem.list(directory) where name.hasPrefix(".tmp-") {
            unlink("\(directory)/\(name)")
        }
    }
}

/// Told how one blob's writing goes, from the writing thread: each append, then the commit
/// or the abandonment. Calls must return at once.
public protocol BlobWriteObserver: AnyObject, Sendable {
    /// The temporary file now holds the blob's first `size` bytes.
    func written(size: Int64)
    /// The blob is complete: `digest`, `size` bytes, renamed to `path`.
    func committed(digest: Digest, size: Int64, path: String)
    /// The blob will not be completed.
    func abandoned()
}

/// Writes one blob to a temporary file, hashing it on the way.
public final class BlobWriter {
    let temporaryPath: String
    var observer: (any BlobWriteObserver)?
    private let spool: BlobSpool
    private var descriptor: Int32
    private let hasher = SHA256Hasher()
    /// Bytes written so far.
    public private(set) var size: Int64 = 0

    init(temporaryPath: String, spool: BlobSpool) throws {
        self.temporaryPath = temporaryPath
        self.spool = spool
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError.writeFailed(path: temporaryPath, reason: String(cString: strerror(errno)))
        }
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
            observer?.abandoned()
        }
    }

    /// Appends bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError.writeFailed(path: temporaryPath, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        size += Int64(bytes.count)
        observer?.written(size: size)
    }

    /// The digest of everything written; call once, before ``commit(as:)``.
    public func finalizeDigest() -> Digest { hasher.finalize() }

    /// Closes the file and renames it to `digest`.
    public func commit(as digest: Digest) throws {
        guard close(descriptor) == 0 else {
            descriptor = -1
            unlink(temporaryPath)
            observer?.abandoned()
            throw OutputError.writeFailed(path: temporaryPath, reason: String(cString: strerror(errno)))
        }
        descriptor = -1
        let finalPath = spool.path(for: digest)
        guard rename(temporaryPath, finalPath) == 0 else {
            unlink(temporaryPath)
            observer?.abandoned()
            throw OutputError.writeFailed(path: finalPath, reason: String(cString: strerror(errno)))
        }
        // The observer first: an upload it streamed is known before the blob is announced.
        observer?.committed(digest: digest, size: size, path: finalPath)
        spool.onCommit?(digest, size, finalPath)
    }
}

/// Errors writing our own output (spool, layout, reports): not the input's fault.
public enum OutputError: Error, Equatable, CustomStringConvertible {
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason). Check free disk space and permissions."
        }
    }
}
