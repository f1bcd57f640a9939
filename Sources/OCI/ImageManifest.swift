/// An image manifest (OCI image manifest or Docker v2 schema 2).
public struct ImageManifest: Codable, Hashable, Sendable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var artifactType: String?
    public var config: Descriptor
    public var layers: [Descriptor]
    public var subject: Descriptor?
    public var annotations: [String: String]?

    public init(
        mediaType: String, config: Descriptor, layers: [Descriptor],
        subject: Descriptor? = nil, annotations: [String: String]? = nil, artifactType: String? = nil
    ) {
        self.schemaVersion = 2
        self.mediaType = mediaType
        self.config = config
        self.layers = layers
        self.subject = subject
        self.annotations = annotations
        self.artifactType = artifactType
    }
}

/// An image index (OCI image index or Docker manifest list).
public struct ImageIndex: Codable, Hashable, Sendable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var artifactType: String?
    public var manifests: [Descriptor]
    public var subject: Descriptor?
    public var annotations: [String: String]?

    public init(mediaType: String, manifests: [Descriptor], annotations: [String: String]? = nil) {
        self.schemaVersion = 2
        self.mediaType = mediaType
        self.manifests = manifests
        self.annotations = annotations
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, mediaType, artifactType, manifests, subject, annotations
    }

    /// Reads `"manifests": null` (what `docker save IMAGE_ID` writes) as an empty list.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        mediaType = try container.decodeIfPresent(String.self, forKey: .mediaType)
        artifactType = try container.decodeIfPresent(String.self, forKey: .artifactType)
        manifests = try container.decodeIfPresent([Descriptor].self, forKey: .manifests) ?? []
        subject = try container.decodeIfPresent(Descriptor.self, forKey: .subject)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations)
    }
}
