import Foundation

/// The step outputs `publish` gives a GitHub Actions workflow (`steps.ID.outputs.NAME`),
/// appended to the file `GITHUB_OUTPUT` names. Only outputs whose value is known are written.
public enum GitHubOutputs {
    /// Each output and how the report gives it. A stage that lands adds its line here.
    static let table: [(name: String, value: @Sendable (PublishReport) -> String?)] = [
        ("digest", { $0.manifest.digest.description }),
        ("image-uri", { report in report.push?.image }),
        ("tags", { report in report.publishedTags.isEmpty ? nil : report.publishedTags.joined(separator: "\n") }),
        ("primary-tag", { report in report.publishedTags.first }),
        ("sbom-path", { report in report.sbom?.first?.files.first }),
        ("record-path", { report in report.record?.file }),
        ("signature-digest", { report in report.signing?.destinations.first?.signature.manifest.description }),
        ("gitops-commit", { report in report.gitops?.commit }),
    ]

    /// The known outputs of `report`, in the table's order.
    public static func values(for report: PublishReport) -> [(name: String, value: String)] {
        table.compactMap { entry in entry.value(report).map { (entry.name, $0) } }
    }

    /// The outputs as `GITHUB_OUTPUT` lines: `name=value`, or for a value with a line break
    /// the delimiter form `name<<DELIMITER … DELIMITER` with a random delimiter that the
    /// value does not contain.
    public static func encode(_ outputs: [(name: String, value: String)]) -> String {
        outputs.map { name, value in
            guard value.contains(where: \.isNewline) else { return "\(name)=\(value)\n" }
            var delimiter: String
            repeat {
                delimiter = "ghadelimiter_" + UUID().uuidString
            } while value.contains(delimiter)
            return "\(name)<<\(delimiter)\n\(value)\n\(delimiter)\n"
        }.joined()
    }
}

extension PublishReport {
    /// The tags that name the image now: those written or already there (held-back ones are
    /// left out); for `--no-push`, the tags the run would push.
    public var publishedTags: [String] {
        guard let push else { return tags }
        return push.tags.filter { $0.outcome != .heldBack }.map(\.tag)
    }
}
