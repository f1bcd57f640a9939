/// Why a GitOps update failed. Messages name files and lines, never tokens.
public enum GitOpsError: Error, Equatable, CustomStringConvertible {
    /// A file is not valid YAML.
    case malformedYAML(file: String, line: Int?, detail: String)
    /// None of the files references the image's repository.
    case noMatch(files: [String], repository: String)
    /// A file given with `--gitops-file` does not exist in the repository.
    case fileNotFound(String)
    /// A path would leave the repository (`..`, absolute, through a symlink).
    case unsafePath(String)
    /// A value that should be changed cannot be edited without reformatting (block scalar,
    /// multi-line, anchors).
    case uneditableValue(file: String, line: Int, detail: String)
    /// The edited file would not parse to the original with only the pinned values changed
    /// (the check that guards against an edit damaging its neighbours).
    case unintendedChange(file: String, line: Int?, detail: String)
    /// A file too large, too deeply nested or with aliases expanding too far to be read safely.
    case unsafeYAML(file: String, line: Int?, detail: String)
    /// A git command failed.
    case git(command: String, status: Int32, output: String)
    /// The git server refused the credentials (or asked for some and none were given).
    case authentication(String)
    /// The remote kept moving: the push was rejected after every retry.
    case pushRejected(attempts: Int)
    /// A credential was put where it would leak (the repository URL).
    case credentialInURL
    /// An option is invalid.
    case invalidOption(String)

    /// The description without the closing advice, for a warning.
    var summary: String {
        description.replacingOccurrences(of: " Nothing was committed.", with: "")
    }

    public var description: String {
        switch self {
        case .malformedYAML(let file, let line, let detail):
            return "\(file)\(line.map { ":\($0)" } ?? ""): not valid YAML: \(detail). Nothing was committed."
        case .noMatch(let files, let repository):
            return "no image of \(repository) found in \(files.isEmpty ? "the repository's YAML files" : files.joined(separator: ", ")). Check --gitops-file / --gitops-dir and the repository name. Nothing was committed."
        case .fileNotFound(let file):
            return "\(file) is not in the GitOps repository. Nothing was committed."
        case .unsafePath(let path):
            return "refusing path '\(path)': it leaves the GitOps repository"
        case .uneditableValue(let file, let line, let detail):
            return "\(file):\(line): \(detail); change it to a plain or quoted one-line value. Nothing was committed."
        case .unintendedChange(let file, let line, let detail):
            return "\(file)\(line.map { ":\($0)" } ?? ""): the edit would change more than the image: \(detail). Edit this file by hand (and please report the construct). Nothing was committed."
        case .unsafeYAML(let file, let line, let detail):
            return "\(file)\(line.map { ":\($0)" } ?? ""): refusing to read the file: \(detail). Nothing was committed."
        case .git(let command, let status, let output):
            return "git \(command) failed (status \(status)): \(output)"
        case .authentication(let detail):
            return "the GitOps repository refused access: \(detail). Give a token with push rights in the environment variable named by --gitops-token-env (HTTPS), or check the SSH key"
        case .pushRejected(let attempts):
            return "the GitOps push was rejected \(attempts) times: the branch keeps moving or is protected"
        case .credentialInURL:
            return "the GitOps repository URL contains a credential; give the token in an environment variable (--gitops-token-env) instead"
        case .invalidOption(let detail):
            return detail
        }
    }
}
