/// The push record as an email-friendly SNS message: a subject under 100 characters and a
/// plain-text body that says what, where, which tags, digest, commit, who and the run.
public enum RecordNotification {
    public static func subject(_ record: PushRecord) -> String {
        let text = "Pushed \(record.repositoryName):\(record.imageTag)"
        return text.count <= 99 ? text : String(text.prefix(96)) + "..."
    }

    public static func body(_ record: PushRecord) -> String {
        var lines = [
            "ecr-publish pushed \(record.repositoryName) to \(record.registry).",
            "",
            "Image:    \(record.imageURI)",
            "Tags:     \(record.tags.all.joined(separator: ", "))",
        ]
        if !record.tags.heldBack.isEmpty {
            lines.append("Held back: " + record.tags.heldBack.map { "\($0.tag) (\($0.reason))" }.joined(separator: "; "))
        }
        lines.append("Digest:   \(record.imageDigest)")
        lines.append("Platforms: \(record.platforms.joined(separator: ", "))")
        if let commit = record.source.commit { lines.append("Commit:   \(commit)\(record.source.branch.map { " (\($0))" } ?? "")") }
        if let pr = record.source.pullRequest { lines.append("Pull request: #\(pr)") }
        if let actor = record.pipeline.actor { lines.append("By:       \(actor)") }
        if let url = record.pipeline.runURL { lines.append("Run:      \(url)") }
        lines.append("At:       \(record.pushedAt)")
        if let sbom = record.sbom {
            let counts = sbom.packages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append("SBOM:     \(sbom.format): \(counts)")
        }
        if record.signatureDigest != nil { lines.append("Signed:   yes (cosign signature attached)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// For subscription filter policies.
    public static func attributes(_ record: PushRecord) -> [String: String] {
        ["repository": record.repositoryName, "tag": record.imageTag, "digest": record.imageDigest]
    }
}
