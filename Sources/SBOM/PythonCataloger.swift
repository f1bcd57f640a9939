/// Python distributions: `NAME-VERSION.dist-info/METADATA` (wheels, pip) and
/// `NAME.egg-info/PKG-INFO` (setuptools), wherever they are installed.
public struct PythonCataloger: Cataloger {
    public init() {}
    public var name: String { "python" }
    public var maxFileSize: Int { 4 * 1024 * 1024 }

    public func reads(path: String) -> Bool {
        // Cheap test first: the walk asks this of every file in the image.
        guard path.hasSuffix("/METADATA") || path.hasSuffix("/PKG-INFO") else { return false }
        let parts = path.split(separator: "/")
        guard parts.count >= 2 else { return false }
        let (directory, file) = (parts[parts.count - 2], parts[parts.count - 1])
        return (file == "METADATA" && directory.hasSuffix(".dist-info")) || (file == "PKG-INFO" && directory.hasSuffix(".egg-info"))
    }

    public func catalog(_ file: MetadataFile) throws -> CatalogResult {
        guard let headers = try ControlParagraphs.parse(file.text, headersOnly: true).first else {
            throw MalformedMetadata("it has no headers")
        }
        guard let name = headers["Name"], !name.isEmpty, let version = headers["Version"], !version.isEmpty else {
            throw MalformedMetadata("it has no Name or Version header")
        }
        var package = SoftwarePackage(name: name, version: version, ecosystem: .pypi, evidence: [file.path])
        package.declaredLicense = Self.license(headers)
        package.supplier = Self.supplier(headers)
        package.homepage = headers["Home-page"] ?? headers.all("Project-URL").first { $0.lowercased().hasPrefix("homepage") }
            .flatMap { $0.split(separator: ",", maxSplits: 1).last?.trimmingSpaces() }
        // `Requires-Dist: idna (<4,>=2.5)`, `charset-normalizer<4,>=2`, extras only behind a marker.
        package.dependencies = headers.all("Requires-Dist").compactMap { requirement in
            guard !requirement.contains("extra ==") && !requirement.contains("extra==") else { return nil }
            let name = requirement.prefix { $0.isLetter || $0.isNumber || "._-".contains($0) }
            return name.isEmpty ? nil : Self.normalized(String(name))
        }
        return CatalogResult(packages: [package])
    }

    /// PEP 503 normalized name (`charset_normalizer` → `charset-normalizer`), as the purl wants it.
    static func normalized(_ name: String) -> String {
        var result = ""
        var lastWasSeparator = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !lastWasSeparator { result.append("-") }
                lastWasSeparator = true
            } else {
                result.append(character)
                lastWasSeparator = false
            }
        }
        return result
    }

    /// `License-Expression` (PEP 639), else a one-line `License`, else the first OSI classifier.
    private static func license(_ headers: ControlParagraphs.Paragraph) -> String? {
        if let expression = headers["License-Expression"], !expression.isEmpty { return expression }
        if let license = headers["License"], !license.isEmpty, !license.contains("\n"), license.count <= 100,
           license.uppercased() != "UNKNOWN" {
            return license
        }
        let classifiers = headers.all("Classifier").filter { $0.hasPrefix("License :: ") }
        return classifiers.first.map { String($0.split(separator: ":").last.map { $0.trimmingSpaces() } ?? "") }
            .flatMap { LicenseExpression.classifierLicenses[$0] }
    }

    private static func supplier(_ headers: ControlParagraphs.Paragraph) -> Supplier? {
        for (nameField, emailField) in [("Author", "Author-email"), ("Maintainer", "Maintainer-email")] {
            let name = headers[nameField].flatMap { $0.isEmpty || $0.uppercased() == "UNKNOWN" ? nil : $0 }
            let email = headers[emailField].flatMap { $0.isEmpty || $0.uppercased() == "UNKNOWN" ? nil : $0 }
            if let name, !name.contains("\n") {
                let first = email.flatMap { $0.split(separator: ",").first.map { $0.trimmingSpaces() } }
                let address = first.flatMap { $0.contains("<") ? Supplier(contact: $0)?.email : $0 }
                return Supplier(contact: name).map { Supplier(kind: $0.kind, name: $0.name, email: address ?? $0.email) }
            }
            // `Author-email: Kenneth Reitz <me@kennethreitz.org>, Other <...>`
            if let email, let first = email.split(separator: ",").first, let supplier = Supplier(contact: String(first)) {
                return supplier
            }
        }
        return nil
    }
}
