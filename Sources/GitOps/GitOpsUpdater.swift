import Foundation
import OCI

/// Pins an image in a GitOps repository: shallow clone, edit, commit, push — and when a
/// concurrent pipeline pushed first, fetch, reset to the remote, re-apply the edit and push
/// again (bounded, with backoff). Blocking: run it off the cooperative pool.
public struct GitOpsUpdater: Sendable {
    public let configuration: GitOpsConfiguration

    public init(configuration: GitOpsConfiguration) { self.configuration = configuration }

    /// - Parameter push: false edits and returns the diff without committing (`--no-push`).
    public func update(pin: ImagePin, push: Bool) throws -> GitOpsResult {
        try GitCredentials.checkURL(configuration.repository)
        let work = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let credentials = try GitCredentials(token: configuration.token, username: configuration.username, directory: work)
        let tree = configuration.workDirectory ?? work + "/repo"
        let outside = GitCommand(directory: nil, environment: credentials.environment, secrets: credentials.secrets)
        var clone = ["clone", "--quiet", "--depth", "1", "--no-tags", "--single-branch"]
        if let branch = configuration.branch { clone += ["--branch", branch] }
        try outside.run(clone + ["--", Self.cloneURL(configuration.repository), tree])

        var author = credentials.environment
        author["GIT_AUTHOR_NAME"] = configuration.authorName
        author["GIT_AUTHOR_EMAIL"] = configuration.authorEmail
        author["GIT_COMMITTER_NAME"] = configuration.authorName
        author["GIT_COMMITTER_EMAIL"] = configuration.authorEmail
        let git = GitCommand(directory: tree, environment: author, secrets: credentials.secrets)
        let branch = try configuration.branch
            ?? git.run(["rev-parse", "--abbrev-ref", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let target = configuration.pushBranch ?? branch
        let shown = Self.displayName(configuration.repository)

        var attempt = 1
        while true {
            let plan = try FileSelection(root: tree, configuration: configuration, pin: pin).plan()
            guard !plan.changed.isEmpty else {
                return GitOpsResult(
                    repository: shown, branch: target, commit: nil, pushed: false, upToDate: true,
                    changes: [], warnings: plan.warnings, patch: "", attempts: attempt)
            }
            for file in plan.changed { try Data(file.bytes).write(to: URL(fileURLWithPath: tree + "/" + file.path)) }
            let patch = try git.run(["diff", "--no-color", "--"] + plan.changed.map(\.path)).stdout
            guard push else {
                return GitOpsResult(
                    repository: shown, branch: target, commit: nil, pushed: false, upToDate: false,
                    changes: plan.changes, warnings: plan.warnings, patch: patch, attempts: attempt)
            }
            try git.run(["add", "--"] + plan.changed.map(\.path))
            let message = configuration.message.render(pin: pin, commit: configuration.sourceCommit, runURL: configuration.runURL)
            try git.run(["commit", "--quiet", "--no-verify", "-m", message])
            var pushArguments = ["push", "--porcelain", "origin", "HEAD:refs/heads/\(target)"]
            if configuration.pushBranch != nil { pushArguments.insert("--force", at: 1) }
            let pushed = try git.run(pushArguments, allowFailure: true)
            if pushed.status == 0 {
                let commit = try git.run(["rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                return GitOpsResult(
                    repository: shown, branch: target, commit: commit, pushed: true, upToDate: false,
                    changes: plan.changes, warnings: plan.warnings, patch: patch, attempts: attempt)
            }
            guard Self.isRace(pushed) else {
                throw GitOpsError.git(command: "push", status: pushed.status,
                                      output: (pushed.stderr + pushed.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
                                        .split(separator: "\n").suffix(6).joined(separator: " | "))
            }
            guard attempt < configuration.maxAttempts else { throw GitOpsError.pushRejected(attempts: attempt) }
            // Someone pushed first: start again from their commit.
            usleep(UInt32(min(4_000_000, 150_000 * (1 << attempt)) + Int.random(in: 0..<150_000)))
            try git.run(["fetch", "--quiet", "--depth", "1", "--no-tags", "origin", branch])
            try git.run(["reset", "--quiet", "--hard", "FETCH_HEAD"])
            attempt += 1
        }
    }

    /// A push lost a race: the remote moved (non-fast-forward), or, on a local bare
    /// repository, another push held the ref lock.
    static func isRace(_ output: GitCommand.Output) -> Bool {
        let text = (output.stdout + output.stderr).lowercased()
        return ["[rejected]", "non-fast-forward", "fetch first", "cannot lock ref", "failed to update ref",
                "stale info", "incorrect old value"].contains { text.contains($0) }
    }

    /// Local paths become `file://` URLs so the clone can be shallow.
    static func cloneURL(_ repository: String) -> String {
        if repository.contains("://") { return repository }
        if let colon = repository.firstIndex(of: ":"), !repository[..<colon].contains("/") { return repository }  // user@host:path
        let absolute = repository.hasPrefix("/") ? repository : FileManager.default.currentDirectoryPath + "/" + repository
        return "file://" + absolute
    }

    static func displayName(_ repository: String) -> String {
        guard var components = URLComponents(string: repository), components.scheme != nil else { return repository }
        components.user = nil
        components.password = nil
        components.query = nil
        return components.string ?? repository
    }

    static func temporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/ecr-publish-gitops-XXXXXX").utf8CString)
        guard let path = mkdtemp(&template) else {
            throw GitOpsError.invalidOption("cannot create a temporary directory for the GitOps clone")
        }
        return String(cString: path)
    }
}
