import OCI

/// The image an SBOM describes: its root package.
public struct ImageSubject: Sendable {
    /// The repository (`team/app`), or the name the tarball gave the image.
    public var name: String
    /// The image manifest's digest: the root package's version and the document's identity.
    public var manifestDigest: Digest
    /// `registry/repository` when known, the purl's `repository_url`.
    public var repositoryURL: String?
    public var platform: Platform?
    /// Layer diffIDs, bottom first (evidence says which layer a package came from).
    public var diffIDs: [Digest]
    /// Who supplies the image (NTIA): `--sbom-supplier`, else the image's
    /// `org.opencontainers.image.vendor` label, else its config's `author`.
    public var supplier: Supplier?

    public init(name: String, manifestDigest: Digest, repositoryURL: String? = nil, platform: Platform? = nil, diffIDs: [Digest] = []) {
        self.name = name
        self.manifestDigest = manifestDigest
        self.repositoryURL = repositoryURL
        self.platform = platform
        self.diffIDs = diffIDs
    }

    /// `pkg:oci/app@sha256%3A…?arch=amd64&repository_url=…`.
    public var purl: PackageURL {
        var qualifiers: [String: String] = [:]
        if let repositoryURL { qualifiers["repository_url"] = repositoryURL }
        if let platform {
            qualifiers["arch"] = platform.architecture
            qualifiers["os"] = platform.os
        }
        let last = name.split(separator: "/").last.map(String.init) ?? name
        return PackageURL(type: "oci", name: last.lowercased(), version: manifestDigest.description, qualifiers: qualifiers)
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
