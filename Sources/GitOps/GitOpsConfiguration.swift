/// Where and how to pin the image in the GitOps repository.
public struct GitOpsConfiguration: Sendable {
    /// Clone URL (`https://…`, `ssh://…`, `git@host:org/repo.git`) or a local path.
    public var repository: String
    /// The branch to update (default: the remote's default branch).
    public var branch: String?
    /// Push the commit to this branch instead (for a pull request); it is overwritten.
    public var pushBranch: String?
    /// Files to edit, relative to the repository root. Empty: every YAML file under
    /// `directory` that references the image.
    public var files: [String] = []
    /// Where to look for files when none are named (relative to the root; default the root).
    public var directory: String?
    public var message = CommitMessage()
    public var authorName = "ecr-publish"
    public var authorEmail = "ecr-publish@users.noreply.github.com"
    /// HTTPS token (from the environment variable the user named); never logged.
    public var token: String?
    public var username = "x-access-token"
    /// Push attempts when the branch moves under us (fetch, reset, re-apply, push).
    public var maxAttempts = 5
    public var editOptions = EditOptions()
    /// The source commit and pipeline run, for the commit message.
    public var sourceCommit: String?
    public var runURL: String?
    /// Clone into this (empty or missing) directory and keep it, instead of a temporary
    /// directory removed afterwards (`--gitops-workdir`).
    public var workDirectory: String?

    public init(repository: String) { self.repository = repository }
}

/// What the update did.
public struct GitOpsResult: Codable, Sendable, Equatable {
    /// The repository as shown (no credentials).
    public var repository: String
    public var branch: String
    /// The commit pushed, if any.
    public var commit: String?
    public var pushed: Bool
    /// Nothing needed to change: the files already pin the image.
    public var upToDate: Bool
    /// One line per edited value.
    public var changes: [String]
    public var warnings: [String]
    /// `git diff` of the edit (what `--no-push` writes to gitops.patch).
    public var patch: String
    public var attempts: Int
}
