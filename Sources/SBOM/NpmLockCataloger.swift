import Foundation

/// npm lock files: a project's `package-lock.json` (lockfile v2 and v3: the `packages` map
/// keyed by install path; v1: the nested `dependencies` map) and npm's hidden lockfile
/// `node_modules/.package-lock.json` (what is installed). The project itself is listed too
/// (its name and version, as Syft lists it). Development dependencies of a
/// `package-lock.json` are left out: production images install without them. A package also
/// found by its own `package.json` is listed once, from there (``ImageCatalog``).
public struct NpmLockCataloger: Cataloger {
    public init() {}
    public var name: String { "npm-lock" }
    public var maxFileSize: Int { 32 * 1024 * 1024 }
    static let maxDepth = 64

    public func reads(path: String) -> Bool {
        // Cheap test first: the walk asks this of every file in the image.
        guard path.hasSuffix("package-lock.json") else { return false }
        if path == "node_modules/.package-lock.json" || path.hasSuffix("/node_modules/.package-lock.json") { return true }
        // A package's own lock file (node_modules/x/package-lock.json) was never installed from.
        return (path == "package-lock.json" || path.hasSuffix("/package-lock.json")) && !path.contains("node_modules/")
    }

    /// Whether `path` is a lock file (evidence that yields to a package.json).
    static func isLockFile(_ path: String) -> Bool { path.hasSuffix("package-lock.json") }

    public func catalog(_ file: MetadataFile) throws -> CatalogResult {
        guard let object = try? JSONSerialization.jsonObject(with: Data(file.bytes)) as? [String: Any] else {
            throw MalformedMetadata("it is not a JSON object")
        }
        let hidden = file.path.hasSuffix(".package-lock.json")
        if let packages = object["packages"] as? [String: Any] {
            let project = (packages[""] as? [String: Any]).flatMap { Self.project($0, path: file.path) }
            return CatalogResult(packages: (project.map { [$0] } ?? []) + packages.keys.sorted().compactMap { key in
                guard let entry = packages[key] as? [String: Any] else { return nil }
                return Self.package(installedAt: key, entry, includeDev: hidden, path: file.path)
            })
        }
        guard let dependencies = object["dependencies"] as? [String: Any] else {
            throw MalformedMetadata("it has neither a packages nor a dependencies map")
        }
        var found: [SoftwarePackage] = []
        if var project = Self.project(object, path: file.path) {
            // v1's top-level dependencies are the whole tree: the project's own are those not for development.
            project.dependencies = dependencies.keys.filter { (dependencies[$0] as? [String: Any])?["dev"] as? Bool != true }.sorted()
            found.append(project)
        }
        try Self.collect(dependencies, depth: 0, path: file.path, into: &found)
        return CatalogResult(packages: found)
    }

    /// An entry of the v2/v3 `packages` map: `node_modules/@scope/name` (nested under other
    /// packages' `node_modules` too). The project itself (`""`), workspace links and entries
    /// outside `node_modules` are not installed packages.
    static func package(installedAt key: String, _ entry: [String: Any], includeDev: Bool, path: String) -> SoftwarePackage? {
        guard let range = key.range(of: "node_modules/", options: .backwards), entry["link"] as? Bool != true,
              includeDev || entry["dev"] as? Bool != true else { return nil }
        let fullName = entry["name"] as? String ?? String(key[range.upperBound...])
        guard let version = entry["version"] as? String, !version.isEmpty, !version.contains(":") else { return nil }
        var package = npmPackage(fullName: fullName, version: version, path: path)
        package?.declaredLicense = entry["license"] as? String
        package?.supplier = registry(of: entry["resolved"] as? String)
        package?.dependencies = ((entry["dependencies"] as? [String: Any])?.keys.sorted()) ?? []
        return package
    }

    /// The nested `dependencies` of a v1 lock file.
    static func collect(_ dependencies: [String: Any], depth: Int, path: String, into found: inout [SoftwarePackage]) throws {
        guard depth < maxDepth else { throw MalformedMetadata("its dependencies nest more than \(maxDepth) deep") }
        for name in dependencies.keys.sorted() {
            guard let entry = dependencies[name] as? [String: Any] else { continue }
            if entry["dev"] as? Bool != true, let version = entry["version"] as? String, !version.isEmpty, !version.contains(":"),
               var package = npmPackage(fullName: name, version: version, path: path) {
                package.supplier = registry(of: entry["resolved"] as? String)
                package.dependencies = ((entry["requires"] as? [String: Any])?.keys.sorted()) ?? []
                found.append(package)
            }
            if let nested = entry["dependencies"] as? [String: Any] {
                try collect(nested, depth: depth + 1, path: path, into: &found)
            }
        }
    }

    /// The project the lock file is for (the `""` entry of v2/v3, the top of v1), when it
    /// names itself and its version.
    static func project(_ entry: [String: Any], path: String) -> SoftwarePackage? {
        guard let name = entry["name"] as? String, let version = entry["version"] as? String, !version.isEmpty else { return nil }
        var package = npmPackage(fullName: name, version: version, path: path)
        package?.declaredLicense = entry["license"] as? String
        package?.dependencies = ((entry["dependencies"] as? [String: Any])?.keys.sorted()) ?? []
        return package
    }

    /// `@scope/name` or `name`; nil for what is not an npm name.
    static func npmPackage(fullName: String, version: String, path: String) -> SoftwarePackage? {
        var namespace: String?
        var name = fullName
        if fullName.hasPrefix("@") {
            guard let slash = fullName.firstIndex(of: "/") else { return nil }
            namespace = String(fullName[..<slash])
            name = String(fullName[fullName.index(after: slash)...])
        }
        guard !name.isEmpty, !name.contains("/") else { return nil }
        var package = SoftwarePackage(name: name, version: version, ecosystem: .npm, evidence: [path])
        package.namespace = namespace
        return package
    }

    /// The registry a package was resolved from (`registry.npmjs.org`): a lock file names no
    /// author, and the registry is who distributes it.
    static func registry(of resolved: String?) -> Supplier? {
        guard let resolved, let url = URL(string: resolved), url.scheme == "https" || url.scheme == "http",
              let host = url.host, !host.isEmpty else { return nil }
        return Supplier(kind: .organization, name: host)
    }
}
