import OCI

/// The image an SBOM describes: its root package.
public struct ImageSubject: Sendable {
    /// The repository (`team/app`), or the name the tarball gave the image.
    public var name: String
    /// The digest that names the image: the root package's version and the document's identity.
    public var identity: ImageIdentity
    /// `registry/repository` when known, the purl's `repository_url`.
    public var repositoryURL: String?
    public var platform: Platform?
    /// Layer diffIDs, bottom first (evidence says which layer a package came from).
    public var diffIDs: [Digest]
    /// Who supplies the image (NTIA): `--sbom-supplier`, else the image's
    /// `org.opencontainers.image.vendor` label, else its config's `author`.
    public var supplier: Supplier?

    public init(name: String, identity: ImageIdentity, repositoryURL: String? = nil, platform: Platform? = nil, diffIDs: [Digest] = []) {
        self.name = name
        self.identity = identity
        self.repositoryURL = repositoryURL
        self.platform = platform
        self.diffIDs = diffIDs
    }

    /// `pkg:oci/app@sha256%3A…?arch=amd64&repository_url=…`; without a version when the
    /// manifest digest is not known (the purl spec's oci version is the manifest digest).
    public var purl: PackageURL {
        var qualifiers: [String: String] = [:]
        if let repositoryURL { qualifiers["repository_url"] = repositoryURL }
        if let platform {
            qualifiers["arch"] = platform.architecture
            qualifiers["os"] = platform.os
        }
        let last = name.split(separator: "/").last.map(String.init) ?? name
        return PackageURL(type: "oci", name: last.lowercased(), version: identity.manifestDigest?.description, qualifiers: qualifiers)
    }
}

/// What names an image in its SBOM.
public enum ImageIdentity: Sendable, Equatable {
    /// The digest of the manifest publish pushes.
    case manifest(Digest)
    /// The image ID (the digest of its configuration), when the manifest digest is not known:
    /// `ecr-publish sbom` without `--exact-digest` on layers publish would compress.
    case imageID(Digest)

    public var digest: Digest {
        switch self {
        case .manifest(let digest), .imageID(let digest): return digest
        }
    }

    public var manifestDigest: Digest? {
        if case .manifest(let digest) = self { return digest }
        return nil
    }

    /// Said in the documents when the version is the image ID.
    var note: String? {
        guard case .imageID = self else { return nil }
        return "The version is the image ID (the digest of the image configuration), not a manifest digest: "
            + "the manifest digest depends on how the layers are compressed, which this SBOM was made without. "
            + "ecr-publish sbom --exact-digest, or the SBOM publish writes, names the pushed manifest digest."
    }
}

/// What makes a document the same on every run.
public struct DocumentInfo: Sendable {
    /// `YYYY-MM-DDThh:mm:ssZ`.
    public var created: String
    /// `ecr-publish-<version>`.
    public var tool: String

    public init(created: String, tool: String) {
        self.created = created
        self.tool = tool
    }

    /// `created` from `SOURCE_DATE_EPOCH` when it is set (reproducible builds), else `now`.
    public static func timestamp(environment: [String: String], now: Double) -> String {
        let seconds = environment["SOURCE_DATE_EPOCH"].flatMap { Int64($0.trimmingSpaces()) } ?? Int64(now)
        return formatUTC(seconds)
    }

    /// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm), no Foundation.
    static func formatUTC(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondsOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { String(value).leftPadded(to: 2) }
        return "\(String(year).leftPadded(to: 4))-\(two(month))-\(two(day))T\(two(secondsOfDay / 3600)):\(two(secondsOfDay / 60 % 60)):\(two(secondsOfDay % 60))Z"
    }
}
