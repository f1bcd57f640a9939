import Foundation

/// npm packages: `package.json` of a package directory under `node_modules` (scoped too),
/// and Debian's node packages under `/usr/share/nodejs` and `/usr/lib/nodejs`.
public struct NpmCataloger: Cataloger {
    public init() {}
    public var name: String { "npm" }
    public var maxFileSize: Int { 1024 * 1024 }

    public func reads(path: String) -> Bool {
        // Cheap test first: the walk asks this of every file in the image.
        guard path.hasSuffix("/package.json") else { return false }
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts.last == "package.json" else { return false }
        let roots: Set<Substring> = ["node_modules"]
        let directory = parts.count - 2
        func isRoot(_ index: Int) -> Bool {
            roots.contains(parts[index])
                || (index >= 2 && parts[index - 1] == "share" && parts[index - 2] == "usr" && parts[index] == "nodejs")
                || (index >= 2 && parts[index - 1] == "lib" && parts[index - 2] == "usr" && parts[index] == "nodejs")
        }
        if isRoot(directory - 1) { return !parts[directory].hasPrefix("@") && !parts[directory].hasPrefix(".") }
        return directory >= 2 && parts[directory - 1].hasPrefix("@") && isRoot(directory - 2)
    }

    public func catalog(_ file: MetadataFile) throws -> CatalogResult {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(file.bytes)) as? [String: Any] else {
                throw MalformedMetadata("it is not a JSON object")
            }
            object = parsed
        } catch let error as MalformedMetadata {
            throw error
        } catch {
            throw MalformedMetadata("it is not valid JSON")
        }
        // A package.json without both is a project file, not an installed package.
        guard let fullName = object["name"] as? String, !fullName.isEmpty,
              let version = object["version"] as? String, !version.isEmpty else {
            return CatalogResult()
        }
        var namespace: String?
        var name = fullName
        if fullName.hasPrefix("@"), let slash = fullName.firstIndex(of: "/") {
            namespace = String(fullName[..<slash])
            name = String(fullName[fullName.index(after: slash)...])
        }
        var package = SoftwarePackage(name: name, version: version, ecosystem: .npm, evidence: [file.path])
        package.namespace = namespace
        package.declaredLicense = Self.license(object["license"] ?? object["licenses"])
        package.supplier = Self.person(object["author"])
            ?? (object["maintainers"] as? [Any])?.lazy.compactMap(Self.person).first
            ?? (object["contributors"] as? [Any])?.lazy.compactMap(Self.person).first
            ?? Self.repositoryOwner(object["repository"])
        package.homepage = object["homepage"] as? String
        if let dependencies = object["dependencies"] as? [String: Any] {
            package.dependencies = dependencies.keys.sorted()
        }
        return CatalogResult(packages: [package])
    }

    /// `"MIT"`, `{"type": "MIT"}`, `[{"type": "MIT"}, {"type": "Apache-2.0"}]` (old form).
    private static func license(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let object = value as? [String: Any] { return object["type"] as? String }
        if let list = value as? [Any] {
            let names = list.compactMap { license($0) }
            return names.isEmpty ? nil : names.count == 1 ? names[0] : "(" + names.joined(separator: " OR ") + ")"
        }
        return nil
    }

    /// The owner of a GitHub, GitLab or Bitbucket repository (`https://github.com/npm/node-semver`,
    /// `github:npm/node-semver`, `{"url": "git+https://…"}`): who publishes the source.
    static func repositoryOwner(_ value: Any?) -> Supplier? {
        guard let text = (value as? String) ?? ((value as? [String: Any])?["url"] as? String) else { return nil }
        for host in ["github.com", "gitlab.com", "bitbucket.org"] {
            guard let range = text.range(of: host) else { continue }
            let rest = text[range.upperBound...].drop { $0 == "/" || $0 == ":" }
            if let owner = rest.split(separator: "/").first, !owner.isEmpty, rest.contains("/") {
                return Supplier(kind: .organization, name: String(owner))
            }
        }
        for prefix in ["github:", "gitlab:", "bitbucket:"] where text.hasPrefix(prefix) {
            if let owner = text.dropFirst(prefix.count).split(separator: "/").first, !owner.isEmpty {
                return Supplier(kind: .organization, name: String(owner))
            }
        }
        return nil
    }

    /// `"Name <email> (url)"` or `{"name": …, "email": …}`.
    private static func person(_ value: Any?) -> Supplier? {
        if let text = value as? String {
            let withoutURL = text.firstIndex(of: "(").map { String(text[..<$0]) } ?? text
            return Supplier(contact: withoutURL)
        }
        if let object = value as? [String: Any], let name = object["name"] as? String {
            return Supplier(contact: name).map { Supplier(kind: $0.kind, name: $0.name, email: object["email"] as? String) }
        }
        return nil
    }
}
