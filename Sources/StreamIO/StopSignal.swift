import Foundation

/// Asks a running pass to stop from another thread: the pass's reads throw
/// `CancellationError` once ``stop()`` was called (``StoppableSource``).
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false

    public init() {}

    /// From now on, every read through a ``StoppableSource`` of this signal throws.
    public func stop() { lock.withLock { stopped = true } }

    public var isStopped: Bool { lock.withLock { stopped } }
}

/// `upstream`, ending with `CancellationError` at the first read after its signal stops.
public final class StoppableSource: ByteSource {
    private let upstream: any ByteSource
    private let signal: StopSignal

    public init(_ upstream: any ByteSource, signal: StopSignal) {
        self.upstream = upstream
        self.signal = signal
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if signal.isStopped { throw CancellationError() }
        return try upstream.read(into: buffer)
    }
}
