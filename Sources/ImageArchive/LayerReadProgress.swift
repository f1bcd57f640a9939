import OCI
import StreamIO

/// How far the pass has read one blob member of the tarball (a layer, or an opaque blob):
/// what ``ArchiveReadOptions/progress`` is told when the member starts, every few MiB of
/// it, and when it is done.
public struct LayerReadProgress: Sendable {
    /// What the pass does with the member's bytes.
    public enum Phase: Sendable {
        /// Hashed and walked, and gzip-compressed into a new blob.
        case compressing
        /// Hashed (and walked) only: an already compressed layer, or nothing to publish.
        case hashing
        /// Hashed and walked, not compressed: the destination holds its blob.
        case reused
    }

    /// The member's path in the tarball (`blobs/sha256/…`, `<id>/layer.tar`).
    public var path: String
    /// Bytes of the member read so far.
    public var read: Int64
    /// The member's size in the tarball.
    public var size: Int64
    public var phase: Phase
    /// Set on the member's last report: the blob the image names for it.
    public var stored: Digest?

    /// How often the pass reports a member's progress, in bytes read.
    public static let interval: Int64 = 4 << 20
}

/// Counts the bytes read of one member and tells ``LayerReadProgress`` every
/// ``LayerReadProgress/interval`` bytes once ``start(_:)`` says what the member is: one add
/// and one compare a read, no lock. Only the pass's thread touches it.
final class LayerMeter {
    private let report: @Sendable (LayerReadProgress) -> Void
    private var progress: LayerReadProgress
    private var next: Int64 = .max

    init(path: String, size: Int64, alreadyRead: Int, report: @escaping @Sendable (LayerReadProgress) -> Void) {
        self.report = report
        progress = LayerReadProgress(path: path, read: Int64(alreadyRead), size: size, phase: .hashing)
    }

    /// The member is a blob handled as `phase`: reported now, then as it is read.
    func start(_ phase: LayerReadProgress.Phase) {
        progress.phase = phase
        next = progress.read + LayerReadProgress.interval
        report(progress)
    }

    /// The member is done; `blob` is what it became.
    fileprivate func finish(_ blob: ScannedBlob) -> ScannedBlob {
        progress.read = progress.size
        progress.stored = blob.stored
        report(progress)
        return blob
    }

    /// `upstream`, counted.
    func metering(_ upstream: any ByteSource) -> any ByteSource { MeteredSource(upstream, meter: self) }

    fileprivate func advance(_ count: Int) {
        progress.read += Int64(count)
        if progress.read >= next {
            next = progress.read + LayerReadProgress.interval
            report(progress)
        }
    }
}

private final class MeteredSource: ByteSource {
    private let upstream: any ByteSource
    private let meter: LayerMeter

    init(_ upstream: any ByteSource, meter: LayerMeter) {
        self.upstream = upstream
        self.meter = meter
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try upstream.read(into: buffer)
        meter.advance(n)
        return n
    }
}

extension ScannedBlob {
    /// The blob, its member's last progress report sent.
    func reported(to meter: LayerMeter?) -> ScannedBlob { meter?.finish(self) ?? self }
}
