/// Tags: which tags the image gets and what the run does when the repository will not move one.
public struct TagStage: Sendable {
    /// In order, the primary first (from the scheme, templates and `--tag`).
    public var names: [String] = []
    /// The tags of ``names`` that move from build to build (`latest`, `main-latest`): a
    /// repository's immutability may hold them back without failing the run.
    public var rolling: Set<String> = []
    /// `--on-tag-conflict`, `--force-rolling-tags` (the repository's mutability is read).
    public var policy = TagPolicy()
    /// The git tag of the build, when it is a release: `latest`, `{major}` and
    /// `{major}.{minor}` move only forward from it.
    public var releaseVersion: String?

    public init() {}

    public func validate() throws {
        for tag in names where !TagName.isValid(tag) {
            throw PublishError.invalidOption("'\(tag)' is not a valid tag: up to 128 characters of letters, digits, _ . -, not starting with . or -")
        }
    }
}
