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

