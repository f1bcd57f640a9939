import StreamIO

/// What a visit wants of one regular file of a layer.
public enum ContentInterest: Sendable, Equatable {
    /// Not this file.
    case skip
    /// Its contents, as a stream.
    case contents
    /// Its first `count` bytes first, to decide with ``LayerVisit/wants(path:size:head:)``
    /// (ELF and zip magic numbers, for files no path names).
    case sniff(count: Int)
}

/// Streams chosen files of every layer to whoever catalogues them (the SBOM), during the one
/// read of the tarball. Nothing is held for the visitor: it keeps what it needs of each file
/// and hands back its findings when the layer ends.
///
/// Layers are walked in archive order, not in the image's layer order, and may be walked
/// concurrently: each walk gets its own ``LayerVisit``.
public protocol LayerVisitor: Sendable {
    func makeLayerVisit() -> any LayerVisit
}

/// The visit of one layer's walk.
public protocol LayerVisit: AnyObject {
    /// Asked for every regular file, in archive order.
    func interest(inFileAt path: String, size: Int64) -> ContentInterest
    /// After a ``ContentInterest/sniff(count:)``: whether the first bytes make the file wanted.
    func wants(path: String, size: Int64, head: [UInt8]) -> Bool
    /// Reads what it needs of the file from `contents`, which ends where the file ends;
    /// what it leaves unread is skipped. Errors thrown are errors of the layer's stream (a
    /// truncated tar): a file that is malformed for the visitor is its own business (a warning
    /// among its findings), never an error here.
    func visit(path: String, size: Int64, contents: any ByteSource) throws
    /// The layer's findings, kept in ``LayerFiles/findings`` next to its whiteouts.
    func finish() -> any Sendable
}
