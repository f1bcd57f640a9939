import ImageArchive

/// Renders a ``PublishReport`` for a terminal or CI log.
public enum TextReporter {
    public static func render(_ report: PublishReport) -> String {
        var lines: [String] = []
        let name = report.source.image.map { "\($0) " } ?? ""
        lines.append("image     \(name)from \(report.source.path) (\(report.source.format.rawValue))")
        lines.append("manifest  \(report.manifest.digest)  \(report.manifest.mediaType), \(report.manifest.size) bytes")
        for image in report.images {
            if report.images.count > 1 || image.manifest.digest != report.manifest.digest {
                lines.append("platform  \(image.platform ?? "unknown")  manifest \(image.manifest.digest)")
            }
            lines.append("config    \(image.config.digest)  \(image.config.size) bytes")
            for (index, layer) in image.layers.enumerated() {
                lines.append(String(
                    format: "layer %2d  diffID %@", index + 1, layer.diffID.description))
                lines.append("          digest \(layer.digest)  \(formatBytes(layer.uncompressedSize)) -> \(formatBytes(layer.size)) (\(layer.action.rawValue))")
            }
        }
        if let push = report.push {
            if let step = push.repositoryStep {
                lines.append("repository \(step.name) \(step.action.rawValue)" + (step.changes.isEmpty ? "" : ": " + step.changes.joined(separator: "; ")))
            }
            lines.append("pushed    \(push.image)" + (push.endpoint == push.registry ? "" : " (through \(push.endpoint))"))
            for tag in push.tags {
                switch tag.outcome {
                case .written: lines.append("tag       \(tag.tag)  written")
                case .alreadyThere: lines.append("tag       \(tag.tag)  already there")
                case .heldBack: lines.append("warning   tag \(tag.tag) held back: \(tag.reason ?? "")")
                }
            }
            if push.tags.isEmpty { lines.append("tag       none given: the image is reachable by digest only") }
            lines.append("blobs     \(push.blobsUploaded) uploaded (\(formatBytes(push.bytesUploaded))), \(push.blobsSkipped) already there (\(formatBytes(push.bytesSkipped)))"
                + (push.blobsMounted > 0 ? ", \(push.blobsMounted) mounted" : "") + " in \(String(format: "%.1f", push.seconds)) s")
            lines.append("layers    \(push.layersCompressed) compressed, \(push.layersReused) reused from the registry")
        } else if !report.tags.isEmpty {
            lines.append("tags      \(report.tags.joined(separator: ", "))")
        }
        if let layout = report.layout { lines.append("wrote     OCI image layout \(layout)") }
        for sbom in report.sbom ?? [] { lines += SBOMTextReport.lines(sbom) }
        if let record = report.record { lines += RecordTextReport.lines(record) }
        if let signing = report.signing { lines += SigningTextReport.lines(signing) }
        for note in report.notes { lines.append("note      \(note)") }
        if let gitops = report.gitops {
            lines += GitOpsTextReport.lines(gitops, dryRun: !report.pushed)
        }
        return lines.joined(separator: "\n")
    }

    /// The report of `ecr-publish sign`.
    public static func render(_ signing: SigningResult) -> String {
        SigningTextReport.lines(signing).joined(separator: "\n")
    }

    /// The report of `ecr-publish sbom`.
    public static func render(_ sboms: [SBOMReport]) -> String {
        sboms.flatMap(SBOMTextReport.lines).joined(separator: "\n")
    }

    /// `12.3 MB`-style sizes (decimal units, as registries and docker show them).
    public static func formatBytes(_ count: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
