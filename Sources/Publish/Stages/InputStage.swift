import ImageArchive

/// Input: the tarball and which image of it.
public struct InputStage: Sendable {
    /// The image tarball (`-` for standard input).
    public var imagePath: String
    /// Which image of a multi-image tarball (`--image`).
    public var imageReference: String?
    public var limits = ArchiveLimits()

    public init(imagePath: String) {
        self.imagePath = imagePath
    }
}
