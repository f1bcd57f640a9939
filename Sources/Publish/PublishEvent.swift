import ImageArchive
import OCI

/// What the publish step tells a live display as it goes, beside the plain lines of
/// ``Pipeline/progress``: the pass's read of each layer, each blob's upload. One way: the
/// step never waits on whoever listens, and knows nothing of terminals (the CLI draws).
/// Told from the pass's thread and from upload tasks, concurrently.
public enum PublishEvent: Sendable {
    /// How far the pass has read a layer of the tarball.
    case read(LayerReadProgress)
    /// `sent` bytes of a blob are in the registry (its upload started at 0; large blobs
    /// advance a part at a time). `blob` says which.
    case sent(UploadedBlob, sent: Int64, size: Int64?)
    /// The registry holds the blob.
    case done(Digest, BlobOutcome)

    /// Which blob an upload is of.
    public enum UploadedBlob: Sendable, Hashable {
        case digest(Digest)
        /// A layer streamed while the pass compresses it, numbered in the order streams
        /// start: the layer the pass started last; its digest follows with ``done(_:_:)``
        /// or a ``sent(_:sent:size:)`` by digest once the blob is committed.
        case stream(Int)
    }

    /// How the registry came to hold a blob.
    public enum BlobOutcome: Sendable {
        case uploaded
        /// Uploaded while the pass compressed it.
        case streamed
        /// It was there already (or the pass found it there).
        case exists
    }
}
