/// An OCI content descriptor: what a manifest or index says about a blob it references.
public struct Descriptor: Codable, Hashable, Sendable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var urls: [String]?
    public var annotations: [String: String]?
    public var platform: Platform?
    public var artifactType: String?

    public init(
        mediaType: String, digest: Digest, size: Int64,
        annotations: [String: String]? = nil, platform: Platform? = nil, artifactType: String? = nil
    ) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
        self.platform = platform
        self.artifactType = artifactType
    }
}

/// The platform an image runs on.
public struct Platform: Codable, Hashable, Sendable, CustomStringConvertible {
    public var architecture: String
    public var os: String
    public var variant: String?
    public var osVersion: String?
    public var osFeatures: [String]?

    enum CodingKeys: String, CodingKey {
        case architecture, os, variant
        case osVersion = "os.version"
        case osFeatures = "os.features"
    }

    public init(architecture: String, os: String, variant: String? = nil) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
    }

    /// Parses `os/architecture[/variant]`; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        self.init(architecture: parts[1], os: parts[0], variant: parts.count == 3 ? parts[2] : nil)
    }

    /// Whether an image of `other`'s platform satisfies a request for this one: same OS and
    /// architecture, and the same variant when this one names one (`arm64` means `arm64/v8`).
    public func accepts(_ other: Platform) -> Bool {
        guard os == other.os, architecture == other.architecture else { return false }
        guard let variant else { return true }
        let theirs = other.variant ?? (other.architecture == "arm64" ? "v8" : nil)
        return variant == theirs
    }

    /// `os/architecture[/variant]`, as `docker --platform` spells it.
    public var description: String {
        [os, architecture, variant].compactMap { $0 }.joined(separator: "/")
    }
}

/// Well-known annotation keys.
public enum AnnotationKey {
    public static let refName = "org.opencontainers.image.ref.name"
    public static let containerdImageName = "io.containerd.image.name"
    public static let created = "org.opencontainers.image.created"
}
