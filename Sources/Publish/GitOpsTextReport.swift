import GitOps

/// A GitOps result for a terminal or CI log (used by `publish` and `gitops update`).
public enum GitOpsTextReport {
    public static func lines(_ result: GitOpsResult, dryRun: Bool) -> [String] {
        var lines = result.warnings.map { "warning   \($0)" }
        if result.upToDate {
            lines.append("gitops    \(result.repository) (\(result.branch)) already pins the image: nothing to commit")
            return lines
        }
        lines += result.changes.map { "gitops    \($0)" }
        if let commit = result.commit {
            lines.append("gitops    pushed \(commit.prefix(12)) to \(result.branch) of \(result.repository)"
                + (result.attempts > 1 ? " (attempt \(result.attempts))" : ""))
        } else if dryRun {
            lines.append("gitops    not committed (--no-push); diff:")
            lines.append(result.patch)
        }
        return lines
    }
}
