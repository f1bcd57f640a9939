/// Package URLs (package-url spec): `pkg:type/namespace/name@version?qualifiers#subpath`,
/// each part percent-encoded, qualifiers sorted by key.
public struct PackageURL: Sendable, Equatable, CustomStringConvertible {
    public var type: String
    public var namespace: String?
    public var name: String
    public var version: String?
    public var qualifiers: [String: String]
    public var subpath: String?

    public init(type: String, namespace: String? = nil, name: String, version: String? = nil,
                qualifiers: [String: String] = [:], subpath: String? = nil) {
        self.type = type
        self.namespace = namespace
        self.name = name
        self.version = version
        self.qualifiers = qualifiers
        self.subpath = subpath
    }

    /// The purl of `package` in an image of `distro`.
    public init(package: SoftwarePackage, distro: Distro?) {
        var namespace = package.namespace
        var name = package.name
        var qualifiers = package.qualifiers
        var subpath: String?
        switch package.ecosystem {
        case .deb, .apk, .rpm:
            namespace = distro?.id ?? (package.ecosystem == .deb ? "debian" : package.ecosystem == .apk ? "alpine" : nil)
            // The rpm namespace is the vendor: Red Hat for RHEL (`distro=rhel-9.3` still says which), as Syft writes it.
            if package.ecosystem == .rpm, namespace == "rhel" { namespace = "redhat" }
            if let distro { qualifiers["distro"] = distro.qualifier }
        case .pypi:
            name = PythonCataloger.normalized(name)
        case .npm:
            namespace = namespace.map { $0.hasPrefix("@") ? $0 : "@" + $0 }
        case .golang:
            // `github.com/AlecAivazis/survey/v2` → namespace github.com/AlecAivazis, name survey,
            // subpath v2, as Syft writes major-version suffixes.
            var parts = name.split(separator: "/").map(String.init)
            if parts.count >= 3, let last = parts.last, last.count >= 2, last.first == "v", last.dropFirst().allSatisfy(\.isNumber) {
                subpath = parts.removeLast()
            }
            if parts.count >= 2 {
                name = parts.removeLast()
                namespace = parts.joined(separator: "/")
            }
        default:
            break
        }
        self.init(type: package.ecosystem.purlType, namespace: namespace, name: name, version: package.purlVersion ?? package.version,
                  qualifiers: qualifiers, subpath: subpath)
    }

    public var description: String {
        var text = "pkg:" + type + "/"
        if let namespace, !namespace.isEmpty {
            text += namespace.split(separator: "/").map { Self.encode(String($0)) }.joined(separator: "/") + "/"
        }
        text += Self.encode(name)
        if let version { text += "@" + Self.encode(version) }
        let pairs = qualifiers.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        if !pairs.isEmpty {
            text += "?" + pairs.map { $0.key.lowercased() + "=" + Self.encode($0.value, keeping: "/") }.joined(separator: "&")
        }
        if let subpath { text += "#" + subpath.split(separator: "/").map { Self.encode(String($0)) }.joined(separator: "/") }
        return text
    }

    /// Percent-encodes everything but the unreserved characters (and `keeping`).
    static func encode(_ text: String, keeping: String = "") -> String {
        var result = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if (byte < 0x80 && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))) || ".-_~".unicodeScalars.contains(scalar)
                || keeping.unicodeScalars.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
