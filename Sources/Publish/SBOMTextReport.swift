/// The SBOM lines of the text report.
enum SBOMTextReport {
    static func lines(_ sbom: SBOMReport) -> [String] {
        let counts = sbom.ecosystems.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        var lines = ["sbom      \(sbom.platform.map { "\($0): " } ?? "")\(sbom.packages) packages" + (counts.isEmpty ? "" : " (\(counts))")
            + (sbom.distro.map { " on \($0)" } ?? "")]
        if let digest = sbom.manifestDigest {
            lines.append("image     manifest \(digest)")
        } else {
            lines.append("image     ID \(sbom.imageID) (the manifest digest needs the layers compressed: --exact-digest)")
        }
        lines += sbom.files.map { "wrote     SBOM \($0)" }
        lines += sbom.warnings.map { "warning   \($0)" }
        return lines
    }
}
