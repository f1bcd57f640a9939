/// Errors of the publish step itself (as opposed to its parts' own error types).
public enum PublishError: Error, Equatable, CustomStringConvertible {
    /// An option or combination of options is invalid.
    case invalidOption(String)
    /// The requested feature is not available in this version.
    case notAvailable(String)
    /// The repository does not exist and `--create-repository` was not given.
    case repositoryMissing(String)
    /// The image was pushed, but later stages failed (the report lists them).
    case partial([StageFailure])

    public var description: String {
        switch self {
        case .invalidOption(let detail): return detail
        case .notAvailable(let detail): return "\(detail) is not available in this version of ecr-publish yet"
        case .repositoryMissing(let name):
            return "the ECR repository '\(name)' does not exist; pass --create-repository to create it with the settings given"
        case .partial(let failures):
            return "the image was pushed, but " + (failures.count == 1 ? "a later stage" : "later stages") + " failed: "
                + failures.map { "\($0.stage): \($0.message)" }.joined(separator: "; ")
        }
    }
}
