import OCI

/// Blobs a destination already holds, by the uncompressed content they were made from: with
/// one, an uncompressed layer whose diffID is known before it is read is only hashed (to
/// check the diffID), never compressed, and the image names the destination's blob.
///
/// The pass asks from its reading thread and waits for the answer; an implementation may
/// block (a registry `HEAD`, a cross-repository mount).
public protocol LayerReuse: Sendable {
    /// The diffID a member is expected to have when its name does not say (the classic
    /// `docker save` layout's `<id>/layer.tar`, remembered from an earlier run), or nil.
    /// Only a hint: a member that turns out otherwise ends the pass with ``LayerReuseMiss``.
    func expectedDiffID(path: String, size: Int64) -> Digest?

    /// A gzip blob the destination holds whose uncompressed content has `diffID`, or nil
    /// (then the layer is compressed as usual).
    func reusableBlob(forDiffID diffID: Digest) -> Descriptor?

    /// Whether the destination may hold the blob of a layer whose diffID is not known before
    /// it is read (the previous image or the cache name blobs there): such a layer's upload
    /// waits for its digest. When false, every layer the pass compresses is new, and its
    /// upload may start while it is compressed.
    var mayHoldUnannouncedLayers: Bool { get }
}

/// A member guessed to have one diffID (from ``LayerReuse/expectedDiffID(path:size:)``) had
/// another; it was hashed but not compressed, so the pass must be run again without guesses.
public struct LayerReuseMiss: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var expected: Digest
    public var actual: Digest

    public var description: String {
        "layer '\(path)' is not the one an earlier run saw under that name (diffID \(actual), not \(expected))"
    }
}

/// How a layer member's expected diffID is known before it is read.
enum ExpectedDiffID {
    /// The member is named by its own digest (`blobs/sha256/<hex>` of OCI layouts and Docker
    /// 25+, `<hex>.tar` of containers/image's docker-archive): content that hashes to
    /// anything else is a corrupt tarball.
    case named(Digest)
    /// A hint remembered from an earlier run: content that hashes to anything else means
    /// the pass runs again, compressing.
    case remembered(Digest)

    var digest: Digest {
        switch self {
        case .named(let digest), .remembered(let digest): return digest
        }
    }
}

/// Names of archive members that say their content's digest.
public enum MemberName {
    /// The digest a member's name gives it: the last component, or its stem before `.tar`,
    /// when it is 64 lowercase hex digits under `sha256/` (OCI layouts, Docker 25+) or at the
    /// top level (containers/image's docker-archive).
    public static func digest(_ path: String) -> Digest? {
        let components = path.split(separator: "/")
        guard let last = components.last else { return nil }
        if components.count >= 2, components[components.count - 2] == "sha256" {
            return Digest(algorithm: .sha256, hex: String(last))
        }
        if components.count == 1, last.hasSuffix(".tar") {
            return Digest(algorithm: .sha256, hex: String(last.dropLast(4)))
        }
        return nil
    }
}
