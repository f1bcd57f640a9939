import Foundation

/// PHP packages: Composer's `vendor/composer/installed.json` (Composer 2's
/// `{"packages": [...]}` and Composer 1's top-level array).
public struct ComposerCataloger: Cataloger {
    public init() {}
    public var name: String { "composer" }
    public var maxFileSize: Int { 16 * 1024 * 1024 }
    /// Packages read from one file.
    static let maxPackages = 50_000

    public func reads(path: String) -> Bool { path.hasSuffix("vendor/composer/installed.json") }

    public func catalog(_ file: MetadataFile) throws -> CatalogResult {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: Data(file.bytes)) } catch { throw MalformedMetadata("it is not valid JSON") }
        guard let list = ((root as? [String: Any])?["packages"] as? [Any]) ?? (root as? [Any]) else {
            throw MalformedMetadata("it has no package list")
        }
        var packages: [SoftwarePackage] = []
        for case let entry as [String: Any] in list.prefix(Self.maxPackages) {
            guard let fullName = entry["name"] as? String, let slash = fullName.firstIndex(of: "/"),
                  let version = entry["version"] as? String, !version.isEmpty else { continue }
            var package = SoftwarePackage(name: String(fullName[fullName.index(after: slash)...]), version: version, ecosystem: .composer, evidence: [file.path])
            package.namespace = String(fullName[..<slash])
            if let licenses = entry["license"] as? [String], !licenses.isEmpty {
                package.declaredLicense = licenses.count == 1 ? licenses[0] : "(" + licenses.joined(separator: " OR ") + ")"
            }
            let author = (entry["authors"] as? [[String: Any]])?.first
            package.supplier = (author?["name"] as? String).flatMap(Supplier.init(contact:)).map {
                Supplier(kind: $0.kind, name: $0.name, email: author?["email"] as? String)
            } ?? Supplier(kind: .organization, name: package.namespace ?? "")
            package.homepage = entry["homepage"] as? String
            package.dependencies = ((entry["require"] as? [String: Any])?.keys.sorted() ?? []).filter { $0.contains("/") }
            packages.append(package)
        }
        return CatalogResult(packages: packages)
    }
}
