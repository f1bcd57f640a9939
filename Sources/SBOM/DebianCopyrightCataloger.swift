/// Declared licenses of Debian packages: the machine-readable copyright files
/// (`/usr/share/doc/NAME/copyright` in the DEP-5 format): every `License:` short name, in
/// the order they first appear. Other copyright files say nothing a program can read.
public struct DebianCopyrightCataloger: Cataloger {
    public init() {}
    public var name: String { "dpkg-copyright" }
    public var maxFileSize: Int { 1024 * 1024 }

    public func reads(path: String) -> Bool {
        // Cheap test first: the walk asks this of every file in the image.
        guard path.hasPrefix("usr/share/doc/"), path.hasSuffix("/copyright") else { return false }
        let parts = path.split(separator: "/")
        return parts.count == 5 && parts[0] == "usr" && parts[1] == "share" && parts[2] == "doc" && parts[4] == "copyright"
    }

    public func catalog(_ file: MetadataFile) throws -> CatalogResult {
        let text = file.text
        guard text.hasPrefix("Format:"), let paragraphs = try? ControlParagraphs.parse(text) else { return CatalogResult() }
        var names: [String] = []
        for paragraph in paragraphs {
            guard let license = paragraph["License"]?.split(whereSeparator: \.isNewline).first?.trimmingSpaces(), !license.isEmpty,
                  !names.contains(license) else { continue }
            names.append(license)
        }
        guard !names.isEmpty else { return CatalogResult() }
        let declared = names.count == 1 ? names[0] : names.map { $0.contains(" ") ? "(\($0))" : $0 }.joined(separator: " AND ")
        let package = String(file.path.split(separator: "/")[3])
        return CatalogResult(licenses: [package: declared])
    }
}
