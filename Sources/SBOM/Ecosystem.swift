/// Where a package comes from: its purl type and what SPDX calls its purpose.
public enum Ecosystem: String, Sendable, CaseIterable, Comparable {
    case deb, apk, rpm, pypi, npm, golang, maven, gem, cargo, nuget, composer

    public static func < (lhs: Ecosystem, rhs: Ecosystem) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The purl type (package-url spec).
    public var purlType: String { rawValue }

    /// Packages of the operating system (namespaced and qualified by the distro).
    public var isOperatingSystem: Bool { self == .deb || self == .apk || self == .rpm }
}

/// The operating system of the image, from `/etc/os-release`.
public struct Distro: Sendable, Equatable {
    /// `ID` (debian, alpine, ubuntu, amzn, rhel, fedora).
    public var id: String
    /// `VERSION_ID` (12, 3.19.1, 2023).
    public var versionID: String?
    public var prettyName: String?

    public init(id: String, versionID: String? = nil, prettyName: String? = nil) {
        self.id = id
        self.versionID = versionID
        self.prettyName = prettyName
    }

    /// The purl `distro` qualifier: `debian-12`, `alpine-3.19.1`.
    public var qualifier: String { versionID.map { "\(id)-\($0)" } ?? id }
}
