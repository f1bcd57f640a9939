import Foundation

/// What the CI system tells about the run: the source commit and a link to the run, for
/// commit messages and records. GitHub Actions and Jenkins are read from their standard
/// variables; elsewhere both are nil.
public struct CIEnvironment: Sendable, Equatable {
    public var sourceCommit: String?
    public var runURL: String?
    /// `github-actions`, `jenkins` or `gitlab-ci`; nil outside CI.
    public var provider: String?
    /// The run's id, the ref built and who started the run (for push records).
    public var runID: String?
    public var ref: String?
    public var actor: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let value = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        sourceCommit = value("GITHUB_SHA") ?? value("GIT_COMMIT") ?? value("CI_COMMIT_SHA")
        if let server = value("GITHUB_SERVER_URL"), let repository = value("GITHUB_REPOSITORY"), let run = value("GITHUB_RUN_ID") {
            runURL = "\(server)/\(repository)/actions/runs/\(run)"
        } else {
            runURL = value("BUILD_URL") ?? value("CI_JOB_URL")
        }
        if value("GITHUB_ACTIONS") == "true" {
            provider = "github-actions"
        } else if value("JENKINS_URL") != nil {
            provider = "jenkins"
        } else if value("GITLAB_CI") == "true" {
            provider = "gitlab-ci"
        }
        runID = value("GITHUB_RUN_ID") ?? value("BUILD_TAG") ?? value("CI_PIPELINE_ID")
        ref = value("GITHUB_REF") ?? value("CI_COMMIT_REF_NAME").map { (value("CI_COMMIT_TAG") != nil ? "refs/tags/" : "refs/heads/") + $0 }
        // Jenkins names the user only with the build-user-vars plugin; a pull request's author otherwise.
        actor = value("GITHUB_TRIGGERING_ACTOR") ?? value("GITHUB_ACTOR") ?? value("BUILD_USER_ID") ?? value("CHANGE_AUTHOR")
            ?? value("GITLAB_USER_LOGIN")
    }
}
