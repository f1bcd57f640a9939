import Foundation
import Testing
import TestSupport

/// `ecr-publish tags` for each CI context, compared with the expected list.
@Suite struct TagSchemeTests {
    static let sha = "0123456789abcdef0123456789abcdef01234567"
    /// 2023-11-14T22:13:20Z.
    static let time = "1700000000"

    /// The environment of this process without anything a CI system set.
    static func cleanEnvironment(_ extra: [String: String]) -> [String: String] {
        let ciNames = ["GITHUB_", "JENKINS_", "BUILD_", "GIT_", "BRANCH_NAME", "TAG_NAME", "CHANGE_", "CI"]
        var environment = ProcessInfo.processInfo.environment.filter { entry in !ciNames.contains { entry.key.hasPrefix($0) } }
        environment["SOURCE_DATE_EPOCH"] = time
        return environment.merging(extra) { $1 }
    }

    static func tags(_ environment: [String: String], _ extra: [String] = [], directory: String? = nil) throws -> [String] {
        let result = try Tool.run(Paths.executable, ["tags"] + extra, environment: cleanEnvironment(environment),
                                  replacingEnvironment: true, directory: directory ?? NSTemporaryDirectory())
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    static func github(_ variables: [String: String]) -> [String: String] {
        ["GITHUB_ACTIONS": "true", "GITHUB_SHA": sha, "GITHUB_RUN_NUMBER": "42"].merging(variables) { $1 }
    }

    @Test func githubPushToABranch() throws {
        let tags = try Self.tags(Self.github([
            "GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/feature/login", "GITHUB_REF_NAME": "feature/login",
            "GITHUB_REF_TYPE": "branch",
        ]))
        #expect(tags == ["01234567-20231114221320", "feature-login-01234567", "feature-login-latest"])
    }

    @Test func githubPushOfASemverTag() throws {
        let tags = try Self.tags(Self.github([
            "GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/tags/v1.4.2", "GITHUB_REF_NAME": "v1.4.2", "GITHUB_REF_TYPE": "tag",
        ]), ["--env-tag", "prod"])
        #expect(tags == ["01234567-20231114221320", "v1.4.2", "1.4", "1", "latest", "prod"])
    }

    @Test func githubPreReleaseTagsMoveNoRollingVersionTag() throws {
        let tags = try Self.tags(Self.github([
            "GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/tags/v2.0.0-rc.1", "GITHUB_REF_NAME": "v2.0.0-rc.1", "GITHUB_REF_TYPE": "tag",
        ]))
        #expect(tags == ["01234567-20231114221320", "v2.0.0-rc.1"])
    }

    @Test func githubPullRequestNumberFromTheEvent() throws {
        let directory = try TemporaryDirectory("event")
        try #"{"number": 17, "pull_request": {"number": 17, "head": {"ref": "fix/typo"}}}"#
            .write(toFile: directory.file("event.json"), atomically: true, encoding: .utf8)
        let tags = try Self.tags(Self.github([
            "GITHUB_EVENT_NAME": "pull_request", "GITHUB_REF": "refs/pull/17/merge", "GITHUB_REF_NAME": "17/merge",
            "GITHUB_HEAD_REF": "fix/typo", "GITHUB_EVENT_PATH": directory.file("event.json"),
        ]), ["--tag-template", "{branch}-run{run}"])
        #expect(tags == ["01234567-20231114221320", "pr-17", "fix-typo-run42"])
    }

    @Test func jenkinsBranchTagAndPullRequest() throws {
        let jenkins = ["JENKINS_URL": "https://ci.example/", "GIT_COMMIT": Self.sha, "BUILD_NUMBER": "7"]
        #expect(try Self.tags(jenkins.merging(["BRANCH_NAME": "main", "GIT_BRANCH": "origin/main"]) { $1 })
            == ["01234567-20231114221320", "main-01234567", "main-latest"])
        #expect(try Self.tags(jenkins.merging(["GIT_BRANCH": "origin/release/3.x"]) { $1 })
            == ["01234567-20231114221320", "release-3.x-01234567", "release-3.x-latest"])
        #expect(try Self.tags(jenkins.merging(["TAG_NAME": "3.1.0", "BRANCH_NAME": "3.1.0"]) { $1 })
            == ["01234567-20231114221320", "v3.1.0", "3.1", "3", "latest"])
        #expect(try Self.tags(jenkins.merging(["CHANGE_ID": "88", "BRANCH_NAME": "PR-88", "CHANGE_BRANCH": "feature/x"]) { $1 })
            == ["01234567-20231114221320", "pr-88"])
    }

    @Test func gitlabBranchTagAndMergeRequest() throws {
        let gitlab = ["GITLAB_CI": "true", "CI_COMMIT_SHA": Self.sha, "CI_PIPELINE_IID": "12"]
        #expect(try Self.tags(gitlab.merging(["CI_COMMIT_BRANCH": "feature/login", "CI_COMMIT_REF_NAME": "feature/login"]) { $1 })
            == ["01234567-20231114221320", "feature-login-01234567", "feature-login-latest"])
        #expect(try Self.tags(gitlab.merging(["CI_COMMIT_TAG": "v2.4.1", "CI_COMMIT_REF_NAME": "v2.4.1"]) { $1 })
            == ["01234567-20231114221320", "v2.4.1", "2.4", "2", "latest"])
        #expect(try Self.tags(gitlab.merging([
            "CI_MERGE_REQUEST_IID": "31", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "fix/typo", "CI_COMMIT_REF_NAME": "fix/typo",
        ]) { $1 }, ["--tag-template", "{branch}-run{run}"]) == ["01234567-20231114221320", "pr-31", "fix-typo-run12"])
    }

    @Test func localGitCheckout() throws {
        let directory = try TemporaryDirectory("checkout")
        @discardableResult func git(_ arguments: [String]) throws -> ToolResult {
            try Tool.check("git", ["-C", directory.path, "-c", "user.name=t", "-c", "user.email=t@example.com"] + arguments)
        }
        try git(["init", "--quiet", "--initial-branch", "release/2.x"])
        try "x".write(toFile: directory.file("file"), atomically: true, encoding: .utf8)
        try git(["add", "file"])
        try git(["commit", "--quiet", "-m", "one"])
        try git(["tag", "v2.3.4"])
        let sha = try git(["rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let short = String(sha.prefix(8))
        let tags = try Self.tags([:], directory: directory.path)
        #expect(tags == ["\(short)-20231114221320", "release-2.x-\(short)", "release-2.x-latest", "v2.3.4", "2.3", "2", "latest"])
        let json = try Tool.run(Paths.executable, ["tags", "--json"], environment: Self.cleanEnvironment([:]),
                                replacingEnvironment: true, directory: directory.path)
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        #expect((object["context"] as? [String: Any])?["source"] as? String == "git")
        let kinds = (object["tags"] as? [[String: String]])?.map { $0["kind"] ?? "" }
        #expect(kinds == ["immutable", "immutable", "rolling", "immutable", "rolling", "rolling", "rolling"])
    }

    @Test func longBranchNamesAreCutToTheTagLength() throws {
        let branch = "feature/" + String(repeating: "a", count: 200)
        let tags = try Self.tags(Self.github(["GITHUB_REF": "refs/heads/\(branch)", "GITHUB_REF_NAME": branch, "GITHUB_REF_TYPE": "branch"]))
        #expect(tags.count == 3)
        #expect(tags.allSatisfy { $0.count <= 128 })
        #expect(tags[1].hasSuffix("-01234567") && tags[2].hasSuffix("-latest"))
    }

    @Test func publishPushesTheSchemesTags() throws {
        let output = try TemporaryDirectory("scheme-publish")
        let result = try Tool.run(Paths.executable, [
            "publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "test/app", "--no-push",
            "--output", output.path, "--tag-scheme", "team", "--json",
        ], environment: Self.cleanEnvironment(Self.github([
            "GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main", "GITHUB_REF_TYPE": "branch",
        ])), replacingEnvironment: true)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(report["tags"] as? [String] == ["01234567-20231114221320", "main-01234567", "main-latest"])
    }
}
