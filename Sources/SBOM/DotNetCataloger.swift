import Foundation

/// .NET packages: the `*.deps.json` an application is published with: every library of type
/// `package` (NuGet) and `project`, with the dependencies its target lists.
public struct DotNetCataloger: Cataloger {
    public init() {}
    public var name: String { "dotnet" }
    public var maxFileSize: Int { 16 * 1024 * 1024 }
    static let maxPackages = 50_000

    public func reads(path: String) -> Bool { path.hasSuffix(".deps.json") }

    public func catalog(_ file: MetadataFile) throws -> CatalogResult {
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(file.bytes)) as? [String: Any] else { throw MalformedMetadata("") }
            root = object
        } catch {
            throw MalformedMetadata("it is not a JSON object")
        }
        guard let libraries = root["libraries"] as? [String: Any] else { throw MalformedMetadata("it has no libraries") }
        // Dependencies by library, from the first target that lists them.
        var dependencies: [String: [String]] = [:]
        for case let target as [String: Any] in (root["targets"] as? [String: Any])?.values.map({ $0 }) ?? [] {
            for (key, value) in target {
                if dependencies[key] == nil, let listed = (value as? [String: Any])?["dependencies"] as? [String: Any] {
                    dependencies[key] = listed.keys.sorted()
                }
            }
        }
        var packages: [SoftwarePackage] = []
        for key in libraries.keys.sorted().prefix(Self.maxPackages) {
            guard let library = libraries[key] as? [String: Any], let type = library["type"] as? String,
                  type == "package" || type == "project", let slash = key.lastIndex(of: "/") else { continue }
            let name = String(key[..<slash]), version = String(key[key.index(after: slash)...])
            guard !name.isEmpty, !version.isEmpty else { continue }
            var package = SoftwarePackage(name: name, version: version, ecosystem: .nuget, evidence: [file.path])
            package.dependencies = dependencies[key] ?? []
            packages.append(package)
        }
        return CatalogResult(packages: packages)
    }
}
