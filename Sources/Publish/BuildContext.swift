import Foundation
import StreamIO

/// What the tag scheme is computed from: the commit, its branch or tag, the pull request
/// and run number, the build time. Read from GitHub Actions, else Jenkins, else the local
/// git checkout (docker/metadata-action reads the same GitHub variables).
public struct BuildContext: Sendable, Equatable, Codable {
    public enum Source: String, Sendable, Codable {
        case githubActions = "github-actions"
        case jenkins
        case gitlab = "gitlab-ci"
        case git
        case none
    }

    public var source: Source
    /// The full commit id.
    public var sha: String?
    /// The branch built (the head branch of a pull request).
    public var branch: String?
    /// The git tag built, when the build is of a tag.
    public var gitTag: String?
    public var pullRequest: Int?
    public var runNumber: String?
    /// The build time (UTC): `SOURCE_DATE_EPOCH` when set, else now.
    public var buildTime: Date

    public init(source: Source, sha: String? = nil, branch: String? = nil, gitTag: String? = nil,
                pullRequest: Int? = nil, runNumber: String? = nil, buildTime: Date = Date()) {
        self.source = source
        self.sha = sha
        self.branch = branch
        self.gitTag = gitTag
        self.pullRequest = pullRequest
        self.runNumber = runNumber
        self.buildTime = buildTime
    }

    /// The context of this process: GitHub Actions (`GITHUB_ACTIONS`), Jenkins
    /// (`JENKINS_URL` or `BUILD_NUMBER` with `GIT_COMMIT`), GitLab CI (`GITLAB_CI`), else
    /// `git` in `directory`.
    public static func detect(environment: [String: String] = ProcessInfo.processInfo.environment,
                              directory: String = FileManager.default.currentDirectoryPath) -> BuildContext {
        let value = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let time = value("SOURCE_DATE_EPOCH").flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } ?? Date()
        if value("GITHUB_ACTIONS") == "true" || value("GITHUB_SHA") != nil {
            return github(value, time: time)
        }
        if value("JENKINS_URL") != nil || (value("BUILD_NUMBER") != nil && value("GIT_COMMIT") != nil) {
            return jenkins(value, time: time)
        }
        if value("GITLAB_CI") == "true" {
            return gitlab(value, time: time)
        }
        return git(directory: directory, time: time)
    }

    static func github(_ value: (String) -> String?, time: Date) -> BuildContext {
        var context = BuildContext(source: .githubActions, sha: value("GITHUB_SHA"), runNumber: value("GITHUB_RUN_NUMBER"), buildTime: time)
        let ref = value("GITHUB_REF") ?? ""
        let event = value("GITHUB_EVENT_NAME") ?? ""
        if event.hasPrefix("pull_request") || ref.hasPrefix("refs/pull/") {
            context.pullRequest = pullRequestNumber(eventPath: value("GITHUB_EVENT_PATH"))
                ?? Int(ref.split(separator: "/").dropFirst(2).first ?? "")
            context.branch = value("GITHUB_HEAD_REF")
            // The commit of a pull request build is GitHub's merge commit; the head's is in the event.
        } else if value("GITHUB_REF_TYPE") == "tag" || ref.hasPrefix("refs/tags/") {
            context.gitTag = value("GITHUB_REF_NAME") ?? String(ref.dropFirst("refs/tags/".count))
        } else if ref.hasPrefix("refs/heads/") {
            context.branch = value("GITHUB_REF_NAME") ?? String(ref.dropFirst("refs/heads/".count))
        }
        return context
    }

    /// `pull_request.number` of the event file GitHub writes.
    static func pullRequestNumber(eventPath: String?) -> Int? {
        guard let eventPath, let data = FileManager.default.contents(atPath: eventPath), data.count <= 16 << 20,
              let event = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return ((event["pull_request"] as? [String: Any])?["number"] as? Int) ?? (event["number"] as? Int)
    }

    static func jenkins(_ value: (String) -> String?, time: Date) -> BuildContext {
        var context = BuildContext(source: .jenkins, sha: value("GIT_COMMIT"), runNumber: value("BUILD_NUMBER"), buildTime: time)
        if let change = value("CHANGE_ID") {
            // A multibranch pull request build: BRANCH_NAME is PR-<n>, CHANGE_BRANCH the source.
            context.pullRequest = Int(change)
            context.branch = value("CHANGE_BRANCH")
        } else if let tag = value("TAG_NAME") {
            context.gitTag = tag
        } else if let branch = value("BRANCH_NAME") ?? value("GIT_BRANCH").map(Self.withoutRemote) {
            context.branch = branch
        }
        return context
    }

    /// GitLab CI's predefined variables: a merge request pipeline names the MR and its source
    /// branch, a tag pipeline the tag, a branch pipeline the branch.
    static func gitlab(_ value: (String) -> String?, time: Date) -> BuildContext {
        var context = BuildContext(source: .gitlab, sha: value("CI_COMMIT_SHA"), runNumber: value("CI_PIPELINE_IID"), buildTime: time)
        if let request = value("CI_MERGE_REQUEST_IID") {
            context.pullRequest = Int(request)
            context.branch = value("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")
        } else if let tag = value("CI_COMMIT_TAG") {
            context.gitTag = tag
        } else {
            context.branch = value("CI_COMMIT_BRANCH") ?? value("CI_COMMIT_REF_NAME")
        }
        return context
    }

    /// `origin/main` → `main` (Jenkins' GIT_BRANCH names the remote).
    static func withoutRemote(_ branch: String) -> String {
        for prefix in ["refs/remotes/origin/", "remotes/origin/", "origin/", "refs/heads/"] where branch.hasPrefix(prefix) {
            return String(branch.dropFirst(prefix.count))
        }
        return branch
    }

    static func git(directory: String, time: Date) -> BuildContext {
        let run = { (arguments: [String]) -> String? in
            var process = ChildProcess.onPath("git", ["-C", directory] + arguments)
            process.environment = ProcessInfo.processInfo.environment.merging(["LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"]) { $1 }
            guard let output = try? process.run(), output.status == 0, !output.stdoutTruncated else { return nil }
            let text = output.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        }
        guard let sha = run(["rev-parse", "HEAD"]) else { return BuildContext(source: .none, buildTime: time) }
        return BuildContext(
            source: .git, sha: sha, branch: run(["symbolic-ref", "--short", "-q", "HEAD"]),
            gitTag: run(["describe", "--tags", "--exact-match", "HEAD"]), buildTime: time)
    }
}
