/// The parts of an image configuration that publishing needs.
///
/// The configuration blob itself is always kept byte for byte (its digest is the image ID);
/// this type only reads it.
public struct ImageConfig: Codable, Hashable, Sendable {
    public struct RootFS: Codable, Hashable, Sendable {
        public var type: String
        public var diffIDs: [Digest]

        enum CodingKeys: String, CodingKey {
            case type
            case diffIDs = "diff_ids"
        }
    }

    public var architecture: String?
    public var os: String?
    public var variant: String?
    public var created: String?
    public var rootfs: RootFS

    /// The platform the configuration declares, when it names both OS and architecture.
    public var platform: Platform? {
        guard let os, let architecture, !os.isEmpty, !architecture.isEmpty else { return nil }
        return Platform(architecture: architecture, os: os, variant: variant)
    }
}
