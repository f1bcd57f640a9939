/// A stage that failed after the image was pushed: the push stands (nothing is rolled back),
/// the report says what failed, and the run ends with the partial-success exit status.
///
/// Before the push, a failure ends the run with its own status; after it, a failure must not
/// hide the digest and tags that are already in the registry.
public struct StageFailure: Codable, Equatable, Sendable {
    /// The stage's name as the report and `--json` give it: `sbom`, `signing`, `gitops`, `record`.
    public var stage: String
    /// What went wrong and what to do, as the stage's error says it.
    public var message: String

    public init(stage: String, message: String) {
        self.stage = stage
        self.message = message
    }
}
