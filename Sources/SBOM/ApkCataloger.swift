/// Alpine packages: the apk database `/lib/apk/db/installed` (records of `K:value` lines,
/// separated by blank lines; `P` name, `V` version, `A` arch, `L` license, `m` maintainer,
/// `U` URL, `o` origin, `D` dependencies).
public struct ApkCataloger: Cataloger {
    public init() {}
    public var name: String { "apk" }
    public var maxFileSize: Int { 32 * 1024 * 1024 }

    public func reads(path: String) -> Bool { path == "lib/apk/db/installed" }

    public func catalog(_ file: MetadataFile) throws -> CatalogResult {
        var packages: [SoftwarePackage] = []
        var record: [Character: String] = [:]
        var dependencies: [String] = []
        func flush() {
            defer { record = [:]; dependencies = [] }
            guard let name = record["P"], let version = record["V"], !name.isEmpty, !version.isEmpty else { return }
            var package = SoftwarePackage(name: name, version: version, ecosystem: .apk, evidence: [file.path])
            if let arch = record["A"], !arch.isEmpty { package.qualifiers["arch"] = arch }
            if let origin = record["o"], origin != name, !origin.isEmpty { package.qualifiers["upstream"] = origin }
            package.declaredLicense = record["L"]
            package.supplier = record["m"].flatMap(Supplier.init(contact:))
            package.homepage = record["U"]
            package.dependencies = dependencies
            packages.append(package)
        }
        var lineNumber = 0
        for line in file.text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { flush(); continue }
            guard line.count >= 2, let key = line.first, line.dropFirst().first == ":" else {
                throw MalformedMetadata("line \(lineNumber) is not a 'K:value' line")
            }
            let value = String(line.dropFirst(2))
            if key == "D" {
                for token in value.split(separator: " ") where !token.hasPrefix("so:") && !token.hasPrefix("cmd:") && !token.hasPrefix("!") {
                    let name = token.split(whereSeparator: { "<>=~".contains($0) }).first.map(String.init) ?? ""
                    if !name.isEmpty { dependencies.append(name) }
                }
            } else if record[key] == nil {
                record[key] = value
            }
        }
        flush()
        return CatalogResult(packages: packages)
    }
}
