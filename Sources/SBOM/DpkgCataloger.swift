/// Debian packages: the dpkg database `/var/lib/dpkg/status`, and distroless images'
/// `/var/lib/dpkg/status.d/NAME` (one control paragraph per file, no `Status` field).
public struct DpkgCataloger: Cataloger {
    public init() {}
    public var name: String { "dpkg" }
    public var maxFileSize: Int { 32 * 1024 * 1024 }

    public func reads(path: String) -> Bool {
        if path == "var/lib/dpkg/status" { return true }
        guard path.hasPrefix("var/lib/dpkg/status.d/") else { return false }
        let name = path.dropFirst("var/lib/dpkg/status.d/".count)
        return !name.contains("/") && !name.hasSuffix(".md5sums") && !name.hasPrefix(".")
    }

    public func catalog(_ file: MetadataFile) throws -> CatalogResult {
        let distroless = file.path != "var/lib/dpkg/status"
        var packages: [SoftwarePackage] = []
        for paragraph in try ControlParagraphs.parse(file.text) {
            guard let name = paragraph["Package"], let version = paragraph["Version"], !name.isEmpty, !version.isEmpty else {
                continue
            }
            // Only what is installed: not removed packages whose configuration files remain.
            if !distroless, let status = paragraph["Status"], !status.hasSuffix(" installed") { continue }
            var package = SoftwarePackage(name: name, version: version, ecosystem: .deb, evidence: [file.path])
            if let arch = paragraph["Architecture"], !arch.isEmpty { package.qualifiers["arch"] = arch }
            if let source = paragraph["Source"], !source.isEmpty {
                // `Source: name (version)` when the source version differs.
                let parts = source.split(separator: " ", maxSplits: 1)
                var upstream = String(parts[0])
                if parts.count > 1 {
                    let inner = parts[1].trimmingCharacters(in: "()")
                    upstream += "@" + inner
                }
                if upstream != name { package.qualifiers["upstream"] = upstream }
            }
            package.supplier = paragraph["Maintainer"].flatMap(Supplier.init(contact:))
            package.homepage = paragraph["Homepage"]
            package.dependencies = Self.names(in: [paragraph["Pre-Depends"], paragraph["Depends"]].compactMap { $0 })
            packages.append(package)
        }
        guard !packages.isEmpty || file.bytes.isEmpty || !distroless else {
            throw MalformedMetadata("it holds no package paragraph")
        }
        return CatalogResult(packages: packages)
    }

    /// Package names of `Depends` fields: `libc6 (>= 2.34), libtinfo6 | libncurses6, perl:any`
    /// → libc6, libtinfo6, libncurses6, perl.
    static func names(in fields: [String]) -> [String] {
        var names: [String] = []
        for field in fields {
            for alternative in field.split(whereSeparator: { $0 == "," || $0 == "|" }) {
                guard var name = alternative.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == "\n" }).first.map(String.init)
                else { continue }
                if let colon = name.firstIndex(of: ":") { name = String(name[..<colon]) }
                if !name.isEmpty, !names.contains(name) { names.append(name) }
            }
        }
        return names
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var text = self[...]
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
