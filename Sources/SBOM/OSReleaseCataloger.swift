/// The distro, from `/etc/os-release` (or `/usr/lib/os-release`, where Debian's
/// `/etc/os-release` symlink points).
public struct OSReleaseCataloger: Cataloger {
    public init() {}
    public var name: String { "os-release" }
    public var maxFileSize: Int { 64 * 1024 }

    public func reads(path: String) -> Bool { path == "etc/os-release" || path == "usr/lib/os-release" }

    public func catalog(_ file: MetadataFile) throws -> CatalogResult {
        var values: [String: String] = [:]
        for line in file.text.split(separator: "\n") {
            let line = line.trimmingSpaces()
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            var value = line[line.index(after: equals)...].trimmingSpaces()
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            values[String(line[..<equals])] = value
        }
        guard let id = values["ID"], !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw MalformedMetadata("it has no valid ID= line")
        }
        return CatalogResult(distro: Distro(id: id.lowercased(), versionID: values["VERSION_ID"], prettyName: values["PRETTY_NAME"]))
    }
}
