import StreamIO

/// A cataloger of files no path names (binaries): it decides on the first bytes and reads
/// the rest as a stream, keeping only what it needs (Go's build information after its magic).
public protocol SniffingCataloger: Sendable {
    var name: String { get }
    /// How many first bytes it decides on.
    var sniffLength: Int { get }
    /// Files smaller than this are not asked about.
    var minFileSize: Int64 { get }
    func wants(head: [UInt8]) -> Bool
    /// Reads `contents` (the whole file, its first bytes included).
    /// - Throws: ``MalformedMetadata`` for a file it cannot read (a warning); errors of
    ///   `contents` itself are the layer's and are passed on as they are.
    func catalog(path: String, contents: any ByteSource) throws -> CatalogResult
}

/// Remembers an error of the stream under a cataloger, so that a truncated layer is not taken
/// for a malformed file.
final class WatchedSource: ByteSource {
    private let upstream: any ByteSource
    private(set) var failure: (any Error)?

    init(_ upstream: any ByteSource) { self.upstream = upstream }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try upstream.read(into: buffer)
        } catch {
            failure = error
            throw error
        }
    }
}
