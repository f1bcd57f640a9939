/// Ruby gems: the installed specifications `specifications/NAME-VERSION.gemspec` that
/// RubyGems writes (Ruby code, read as the few `s.field = value` lines it always has; never
/// evaluated).
public struct RubyGemCataloger: Cataloger {
    public init() {}
    public var name: String { "ruby" }
    public var maxFileSize: Int { 1024 * 1024 }

    public func reads(path: String) -> Bool {
        // Cheap test first: the walk asks this of every file in the image.
        guard path.hasSuffix(".gemspec") else { return false }
        let parts = path.split(separator: "/")
        return parts.count >= 2 && parts[parts.count - 2] == "specifications" && parts[parts.count - 1].hasSuffix(".gemspec")
    }

    public func catalog(_ file: MetadataFile) throws -> CatalogResult {
        var fields: [String: [String]] = [:]
        var stub: [Substring] = []
        var dependencies: [String] = []
        for line in file.text.split(whereSeparator: \.isNewline) {
            let line = line.trimmingSpaces()
            if line.hasPrefix("# stub: ") { stub = line.dropFirst(8).split(separator: " ") }
            // Runtime dependencies only (`add_development_dependency` is not needed to run it).
            if line.contains("add_runtime_dependency") || line.contains("add_dependency") {
                if let first = Self.strings(in: line).first { dependencies.append(first) }
                continue
            }
            if line.contains("add_development_dependency") { continue }
            guard line.hasPrefix("s."), let equals = line.firstIndex(of: "=") else { continue }
            let key = line.dropFirst(2).prefix { $0.isLetter || $0 == "_" }
            guard line[line.index(after: equals)...].first != "=" else { continue }
            fields[String(key)] = Self.strings(in: line[line.index(after: equals)...])
        }
        let name = fields["name"]?.first ?? stub.first.map(String.init)
        let version = fields["version"]?.first ?? (stub.count > 1 ? String(stub[1]) : nil)
        guard let name, let version, !name.isEmpty, !version.isEmpty else {
            throw MalformedMetadata("it names no gem and version")
        }
        var package = SoftwarePackage(name: name, version: version, ecosystem: .gem, evidence: [file.path])
        let licenses = fields["licenses"] ?? fields["license"] ?? []
        package.declaredLicense = licenses.isEmpty ? nil : licenses.count == 1 ? licenses[0] : "(" + licenses.joined(separator: " OR ") + ")"
        let authors = fields["authors"] ?? fields["author"] ?? []
        let email = fields["email"]?.first
        package.supplier = authors.first.flatMap(Supplier.init(contact:)).map { Supplier(kind: $0.kind, name: $0.name, email: email ?? $0.email) }
        package.homepage = fields["homepage"]?.first
        package.dependencies = dependencies
        return CatalogResult(packages: [package])
    }

    /// The string literals of a line: `"x"`, `'x'`, `%q<x>` (with `.freeze` after them).
    static func strings<S: StringProtocol>(in text: S) -> [String] {
        var result: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            var close: Character?
            var start = text.index(after: index)
            if character == "\"" || character == "'" {
                close = character
            } else if character == "%", text[start...].hasPrefix("q<") {
                close = ">"
                start = text.index(start, offsetBy: 2)
            }
            if let close, let end = text[start...].firstIndex(of: close) {
                result.append(String(text[start..<end]))
                index = text.index(after: end)
            } else {
                index = text.index(after: index)
            }
        }
        return result
    }
}
