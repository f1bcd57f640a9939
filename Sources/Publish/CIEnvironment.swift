import Foundation

/// What the CI system tells about the run: the source commit and a link to the run, for
/// commit messages and records. GitHub Actions and Jenkins are read from their standard
/// variables; elsewhere both are nil.
public struct CIEnvironment: Sendable, Equatable {
    public var sourceCommit: String?
    public var runURL: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let value = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        sourceCommit = value("GITHUB_SHA") ?? value("GIT_COMMIT") ?? value("CI_COMMIT_SHA")
        if let server = value("GITHUB_SERVER_URL"), let repository = value("GITHUB_REPOSITORY"), let run = value("GITHUB_RUN_ID") {
            runURL = "\(server)/\(repository)/actions/runs/\(run)"
        } else {
            runURL = value("BUILD_URL") ?? value("CI_JOB_URL")
        }
    }
}
