import OCI

/// Why an image tarball was refused. Every case says what is wrong and what to do; none
/// carries file contents.
public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notAnArchive(path: String, reason: String)
    case truncated(String)
    case corruptHeader(offset: Int64, reason: String)
    case unsafePath(path: String, reason: String)
    case nonUTF8Name(escaped: String)
    case duplicateEntry(String)
    case limitExceeded(String)
    case missingFile(path: String, referencedBy: String)
    case invalidMetadata(file: String, detail: String)
    case diffIDMismatch(layer: Int, path: String, expected: Digest, actual: Digest)
    case digestMismatch(path: String, expected: Digest, actual: Digest)
    case sizeMismatch(path: String, expected: Int64, actual: Int64)
    case layerCountMismatch(configDiffIDs: Int, layers: Int)
    case noImage(String)
    case ambiguousImage(candidates: [String])
    case imageNotFound(reference: String, candidates: [String])
    case unsupported(String)
    case corruptLayer(path: String, detail: String)
    /// A layer that is there but in a form ecr-publish does not read (xz, bzip2, not a tar).
    case unreadableLayer(path: String, content: String)
    case readFailed(path: String, reason: String)
    case corruptArchive(path: String, detail: String)
    case platformNotFound(requested: String, available: [String])

    /// The description without its final period: for embedding in another error's message.
    /// (Truncated and corrupt tar headers inside a layer are said as the layer's own
    /// defects where they arise, in ``BlobIngester``.)
    var reason: String {
        let text = description
        return text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open \(path): \(reason). Check the path and that the file is readable."
        case .notAnArchive(let path, let reason):
            return "\(path) is not an image tarball: \(reason). Pass the output of `docker save`, `skopeo copy … docker-archive:` or an OCI archive."
        case .truncated(let detail):
            return "the image tarball is truncated: \(detail). Re-create it (e.g. `docker save -o image.tar IMAGE`) and check the disk was not full."
        case .corruptHeader(let offset, let reason):
            return "corrupt tar header at byte \(offset): \(reason). The tarball is damaged; re-create it."
        case .unsafePath(let path, let reason):
            return "refusing tar entry '\(path)': \(reason). The tarball may be malicious; do not publish it."
        case .nonUTF8Name(let escaped):
            return "refusing tar entry with a name that is not UTF-8 ('\(escaped)'). Image archive entries must be UTF-8."
        case .duplicateEntry(let path):
            return "the tarball holds '\(path)' twice; it is ambiguous which one to use. Re-create the tarball."
        case .limitExceeded(let detail):
            return "safety limit exceeded: \(detail)."
        case .missingFile(let path, let referencedBy):
            return "\(referencedBy) names '\(path)', which is not in the tarball. The tarball is incomplete; re-create it."
        case .invalidMetadata(let file, let detail):
            return "invalid \(file): \(detail)."
        case .diffIDMismatch(let layer, let path, let expected, let actual):
            return "layer \(layer) ('\(path)') has content digest \(actual) but the image config says \(expected). The layer does not belong to this image or was modified."
        case .digestMismatch(let path, let expected, let actual):
            return "blob '\(path)' has digest \(actual) but the manifest says \(expected). The blob was modified or corrupted."
        case .sizeMismatch(let path, let expected, let actual):
            return "blob '\(path)' has \(actual) bytes but the manifest says \(expected)."
        case .layerCountMismatch(let configDiffIDs, let layers):
            return "the image config lists \(configDiffIDs) layers but the manifest lists \(layers)."
        case .noImage(let detail):
            return "no image found in the tarball: \(detail)."
        case .ambiguousImage(let candidates):
            return "the tarball holds several images; choose one with --image: \(candidates.joined(separator: ", "))"
        case .imageNotFound(let reference, let candidates):
            return "no image '\(reference)' in the tarball; it holds: \(candidates.joined(separator: ", "))"
        case .unsupported(let detail):
            return "unsupported: \(detail)."
        case .corruptLayer(let path, let detail):
            return "layer '\(path)' is corrupt: \(detail). Re-create the image tarball."
        case .unreadableLayer(let path, let content):
            return "layer '\(path)' is \(content). ecr-publish reads layers that are tar archives, plain or gzip- or zstd-compressed: recompress the layer, or re-export the image with docker save or skopeo copy."
        case .readFailed(let path, let reason):
            return "reading \(path) failed: \(reason)."
        case .platformNotFound(let requested, let available):
            return "the image has no \(requested) variant; it has: \(available.isEmpty ? "none named" : available.joined(separator: ", "))"
        case .corruptArchive(let path, let detail):
            return "\(path) is corrupt: \(detail). Re-create the image tarball."
        }
    }
}
