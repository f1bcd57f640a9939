/// One package the catalogers found: what an SBOM lists for it.
public struct SoftwarePackage: Sendable, Equatable {
    public var name: String
    public var version: String
    public var ecosystem: Ecosystem
    /// The purl's version where it is not ``version``: an rpm's without its epoch, which
    /// the purl gives as a qualifier.
    public var purlVersion: String?
    /// The purl namespace where the ecosystem has one (an npm scope without its `@`, a Maven
    /// group); OS packages take theirs from the distro when the SBOM is made.
    public var namespace: String?
    /// purl qualifiers the metadata gives (`arch`); `distro` is added for OS packages.
    public var qualifiers: [String: String] = [:]
    /// Declared license as written in the metadata (normalized by ``LicenseExpression``).
    public var declaredLicense: String?
    /// Who supplies it (NTIA's supplier): dpkg Maintainer, apk maintainer, PyPI Author, npm author.
    public var supplier: Supplier?
    public var homepage: String?
    /// The names of packages of the same ecosystem it depends on, as the metadata says.
    public var dependencies: [String] = []
    /// Files that show it is installed, first the one it was read from (image-relative).
    public var evidence: [String]
    /// The layer (0 = bottom) that introduced it; set when the layers are squashed.
    public var layer: Int?

    public init(name: String, version: String, ecosystem: Ecosystem, evidence: [String]) {
        self.name = name
        self.version = version
        self.ecosystem = ecosystem
        self.evidence = evidence
    }
}

/// A person or organization, as SPDX's `supplier` and CycloneDX's `supplier` write it.
public struct Supplier: Sendable, Equatable {
    public enum Kind: String, Sendable { case person = "Person", organization = "Organization" }
    public var kind: Kind
    public var name: String
    public var email: String?

    public init(kind: Kind, name: String, email: String? = nil) {
        self.kind = kind
        self.name = name
        self.email = email
    }

    /// Parses `Name <email>` (RFC 822 style, as dpkg, apk and npm write it). Teams, projects
    /// and lists are organizations; anyone else a person.
    public init?(contact: String) {
        var text = contact.trimmingSpaces()
        var email: String?
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            let inner = text[text.index(after: open)..<close].trimmingSpaces()
            email = inner.isEmpty ? nil : inner
            text = (String(text[..<open]) + String(text[text.index(after: close)...])).trimmingSpaces()
        }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        if text.isEmpty, let email { text = email }
        guard !text.isEmpty else { return nil }
        let lower = text.lowercased()
        let organizationWords = ["team", "project", "maintainers", "developers", "group", "foundation", "community",
                                 "inc", "ltd", "llc", "corporation", "contributors", "authority", "@lists."]
        let isOrganization = organizationWords.contains { lower.contains($0) } || (email?.contains("@lists.") ?? false)
        self.init(kind: isOrganization ? .organization : .person, name: text, email: email)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line ends.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
