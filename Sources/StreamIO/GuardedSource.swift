/// Remembers a failure of its upstream (truncation, a read error), so that a caller that
/// treats a consumer's errors as soft (a layer's own defects only disqualify the layer; a
/// cataloger's only skip a file) can still tell that the stream itself broke, and stop.
public final class GuardedSource: ByteSource {
    private let upstream: any ByteSource
    private var failure: (any Error)?

    public init(_ upstream: any ByteSource) { self.upstream = upstream }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try upstream.read(into: buffer)
        } catch {
            failure = error
            throw error
        }
    }

    /// Throws the upstream's failure, if it had one.
    public func rethrowUpstreamFailure() throws {
        if let failure { throw failure }
    }
}
