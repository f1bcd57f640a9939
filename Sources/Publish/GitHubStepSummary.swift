import Foundation
import GitOps

/// The Markdown `publish` appends to the file `GITHUB_STEP_SUMMARY` names: what a reviewer
/// of the run wants at a glance.
public enum GitHubStepSummary {
    public static func markdown(_ report: PublishReport, serverURL: String? = nil) -> String {
        var lines = ["### ecr-publish: \(code(report.repository))", ""]
        lines.append("| | |")
        lines.append("|---|---|")
        if let push = report.push {
            lines.append("| Image | \(code(push.image)) |")
        } else {
            lines.append("| Image | not pushed (`--no-push`)\(report.layout.map { ": layout " + code($0) } ?? "") |")
        }
        lines.append("| Digest | \(code(report.manifest.digest.description)) |")
        let pushed = report.publishedTags
        lines.append("| Tags\(report.push == nil ? " (not pushed)" : "") | \(pushed.isEmpty ? "none (by digest only)" : pushed.map(code).joined(separator: " ")) |")
        for tag in report.push?.tags ?? [] where tag.outcome == .heldBack {
            lines.append("| Held back | \(code(tag.tag)): \(cell(tag.reason ?? "")) |")
        }
        if let push = report.push {
            lines.append("| Blobs | \(push.blobsUploaded) uploaded, \(push.blobsSkipped) already there |")
        }
        for sbom in report.sbom ?? [] {
            let counts = sbom.ecosystems.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            lines.append("| SBOM\(sbom.platform.map { " " + $0 } ?? "") | \(sbom.packages) packages\(counts.isEmpty ? "" : " (\(counts))")"
                + "\(sbom.files.isEmpty ? "" : ": " + sbom.files.map(code).joined(separator: " ")) |")
        }
        if let signing = report.signing, let destination = signing.destinations.first {
            let attestations = destination.attestations.map { code($0.tag) }.joined(separator: ", ")
            lines.append("| Signature | \(code(destination.signature.tag)) (\(signing.keyKind))"
                + (attestations.isEmpty ? "" : "; attestations \(attestations)") + " |")
        }
        if let record = report.record {
            let sinks = record.delivered.map(code).joined(separator: ", ")
            lines.append("| Record | \(code(record.key))" + (sinks.isEmpty ? "" : " in \(sinks)")
                + (record.failed.isEmpty ? "" : "; waiting in the outbox for \(record.failed.map { code($0.sink) }.joined(separator: ", "))") + " |")
        }
        if let gitops = report.gitops {
            lines.append("| GitOps | \(gitopsCell(gitops, serverURL: serverURL)) |")
        }
        for failure in report.failures {
            lines.append("| :x: Failed | \(code(failure.stage)): \(cell(failure.message)) |")
        }
        let warnings = (report.sbom ?? []).flatMap(\.warnings) + (report.gitops?.warnings ?? [])
        if !warnings.isEmpty {
            lines.append("")
            lines += warnings.map { "- :warning: \(cell($0))" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func gitopsCell(_ result: GitOpsResult, serverURL: String?) -> String {
        if result.upToDate { return "\(cell(result.repository)) (\(code(result.branch))) already pins the image" }
        guard let commit = result.commit else { return "\(result.changes.count) change(s), not committed" }
        let short = code(String(commit.prefix(12)))
        let target = "\(cell(result.repository)) (\(code(result.branch)))"
        guard let link = commitLink(repository: result.repository, commit: commit, serverURL: serverURL) else {
            return "\(short) pushed to \(target)"
        }
        return "[\(short)](\(link)) pushed to \(target)"
    }

    /// A web link to the commit on GitHub (github.com, or the run's own GitHub Enterprise
    /// server): `https://HOST/ORG/REPO/commit/SHA`, from an https, ssh or `git@host:` clone
    /// URL. Other hosts and local paths get no link.
    static func commitLink(repository: String, commit: String, serverURL: String?) -> String? {
        guard !commit.isEmpty, commit.allSatisfy(\.isHexDigit) else { return nil }
        let host: String, path: Substring
        if let url = URL(string: repository), ["https", "http", "ssh"].contains(url.scheme ?? ""), let urlHost = url.host {
            (host, path) = (urlHost, Substring(url.path))
        } else if repository.hasPrefix("git@"), let colon = repository.firstIndex(of: ":") {
            (host, path) = (String(repository[repository.index(repository.startIndex, offsetBy: 4)..<colon]),
                            repository[repository.index(after: colon)...])
        } else {
            return nil
        }
        let server = serverURL.flatMap(URL.init(string:))
        let origin: String
        if host == "github.com" {
            origin = "https://github.com"
        } else if let server, server.host == host {
            origin = server.absoluteString.hasSuffix("/") ? String(server.absoluteString.dropLast()) : server.absoluteString
        } else {
            return nil
        }
        let parts = (path.hasSuffix(".git") ? path.dropLast(4) : path).split(separator: "/")
        guard parts.count == 2 else { return nil }
        return "\(origin)/\(parts[0])/\(parts[1])/commit/\(commit)"
    }

    /// Inline code that no backtick in `text` can break.
    static func code(_ text: String) -> String {
        let fence = text.contains("`") ? "``" : "`"
        return fence + (fence == "``" ? " \(text) " : text).replacingOccurrences(of: "|", with: "\\|") + fence
    }

    /// Text for a table cell: one line, `|` escaped, HTML and Markdown link syntax defused.
    static func cell(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
            .replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "[", with: "\\[")
    }
}
