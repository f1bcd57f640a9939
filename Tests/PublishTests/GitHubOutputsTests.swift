import Foundation
@testable import Publish
import Testing
import TestSupport

/// `publish` in a GitHub Actions step: the outputs file read as the runner reads it
/// (Tests/CI/github_files.py), the step summary, annotations and masks on standard error,
/// and `--result-file`; against the test world of ``PublishPushTests``.
@Suite(.serialized) struct GitHubOutputsTests {
    /// A step's files: `GITHUB_OUTPUT` (with an earlier step's line in it) and `GITHUB_STEP_SUMMARY`.
    struct Step {
        let directory: TemporaryDirectory
        var output: String { directory.file("github_output") }
        var summary: String { directory.file("step_summary") }

        init() throws {
            directory = try TemporaryDirectory("github-step")
            try Data("earlier=from another step\n".utf8).write(to: URL(fileURLWithPath: output))
        }

        var environment: [String: String] {
            ["GITHUB_OUTPUT": output, "GITHUB_STEP_SUMMARY": summary, "GITHUB_SERVER_URL": "https://github.com"]
        }

        /// The outputs as the runner reads them.
        func outputs() throws -> [String: String] {
            let parsed = try Tool.check("python3", [Paths.repositoryRoot + "/Tests/CI/github_files.py", output])
            return try #require(try JSONSerialization.jsonObject(with: parsed.stdoutData) as? [String: String])
        }

        func summaryText() throws -> String { try String(contentsOfFile: summary, encoding: .utf8) }
    }

    static func release(_ version: String) -> [String: String] {
        PublishPushTests.github(["GITHUB_REF": "refs/tags/\(version)", "GITHUB_REF_NAME": version, "GITHUB_REF_TYPE": "tag"])
    }

    @Test func theOutputsNameWhatWasPushedAndTheResultFileIsTheJSONReport() throws {
        let step = try Step()
        let output = try TemporaryDirectory("github-artifacts")
        let resultFile = output.file("result.json")
        let result = try PublishPushTests.push(
            Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/gh-outputs",
            ["--tag-scheme", "team", "--output", output.path, "--result-file", resultFile, "--json"],
            environment: Self.release("v2.0.0").merging(step.environment) { $1 })
        #expect(result.status == 0, "\(result.stderr)")
        let report = try PublishPushTests.report(result)
        let push = try #require(report["push"] as? [String: Any])
        let digest = try #require((report["manifest"] as? [String: Any])?["digest"] as? String)
        let tags = ["01234567-20231114221320", "v2.0.0", "2.0", "2", "latest"]

        let outputs = try step.outputs()
        #expect(outputs["earlier"] == "from another step", "appended, not replaced")
        #expect(outputs["digest"] == digest)
        #expect(outputs["image-uri"] == push["image"] as? String)
        #expect(outputs["image-uri"] == "\(PublishPushTests.ecrRegistry)/team/gh-outputs@\(digest)")
        #expect(outputs["tags"] == tags.joined(separator: "\n"))
        #expect(outputs["primary-tag"] == tags[0])
        #expect(outputs["sbom-path"] == output.file("sbom.spdx.json"))
        #expect(outputs["gitops-commit"] == nil && outputs["record-path"] == nil, "only outputs whose value is known")
        let raw = try String(contentsOfFile: step.output, encoding: .utf8)
        #expect(raw.contains("tags<<ghadelimiter_"), "a multi-line value in the delimiter form: \(raw)")

        let summary = try step.summaryText()
        for expected in ["`\(PublishPushTests.ecrRegistry)/team/gh-outputs@\(digest)`", "`\(digest)`", "`v2.0.0`", "| SBOM linux/amd64 |"] {
            #expect(summary.contains(expected), "\(expected) in \(summary)")
        }
        // The result file is --json's report, byte for byte; standard output stays clean JSON.
        #expect(FileManager.default.contents(atPath: resultFile) == result.stdoutData)
        #expect(!result.stdout.contains("::"))
        #expect(!result.stderr.contains("::set-output") && !result.stderr.contains("::save-state"))
    }

    @Test func heldBackTagsAreWarnedAboutAndLeftOutOfTheOutputs() throws {
        let first = try PublishPushTests.push(
            Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/gh-held", ["--tag-scheme", "team"],
            environment: Self.release("v1.5.0"))
        #expect(first.status == 0, "\(first.stderr)")
        let step = try Step()
        let hotfix = try PublishPushTests.push(
            Paths.fixtureImage("sample-oci-archive.tar"), repository: "team/gh-held", ["--tag-scheme", "team"],
            environment: Self.release("v1.4.3").merging(step.environment) { $1 })
        #expect(hotfix.status == 0, "\(hotfix.stderr)")
        let warnings = hotfix.stderr.split(separator: "\n").filter { $0.hasPrefix("::warning title=ecr-publish::tag ") }
        #expect(warnings.count == 2, "latest and 1 stay with 1.5.0: \(hotfix.stderr)")
        #expect(warnings.contains { $0.hasPrefix("::warning title=ecr-publish::tag latest held back") })
        let outputs = try step.outputs()
        #expect(outputs["tags"]?.split(separator: "\n").map(String.init) == ["01234567-20231114221320", "v1.4.3", "1.4"])
        let summary = try step.summaryText()
        #expect(summary.contains("| Held back | `latest`:") && summary.contains("| Held back | `1`:"), "\(summary)")
    }

    @Test func aFailureIsAnErrorAnnotationAndSecretsAreMaskedFirst() throws {
        let step = try Step()
        let output = try TemporaryDirectory("github-failure")
        let token = "gh-token-" + UUID().uuidString
        let port = try FreePort.pick()
        let result = try Tool.run(Paths.executable, [
            "publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "team/app", "--no-push", "--output", output.path,
            "--registry", PublishPushTests.ecrRegistry, "--tag", "v1", "--gitops-repo", "http://127.0.0.1:\(port)/deploy.git",
        ], environment: AWSTestEnvironment.clean(home: output.path).merging(step.environment) { $1 }
            .merging(["GITHUB_ACTIONS": "true", "GITOPS_TOKEN": token]) { $1 }, replacingEnvironment: true)
        #expect(result.status == 5, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "::add-mask::\(token)", "masked before anything else: \(result.stderr)")
        #expect(lines.filter { $0.contains(token) }.count == 1, "the mask is the only place the token appears")
        #expect(lines.contains { $0.hasPrefix("::error title=ecr-publish::") })
        #expect(try step.outputs() == ["earlier": "from another step"], "a failed run gives no outputs")
        #expect(!result.stdout.contains(token))
    }

    @Test func aUsageErrorIsAnErrorAnnotationToo() throws {
        let result = try Tool.run(Paths.executable, ["publish", "image.tar", "--repository", "team/app", "--jobs", "many"],
                                  environment: AWSTestEnvironment.clean().merging(["GITHUB_ACTIONS": "true"]) { $1 }, replacingEnvironment: true)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("::error title=ecr-publish::") && result.stderr.contains("--jobs"), "\(result.stderr)")
    }

    @Test func outsideGitHubActionsNothingIsPrintedForIt() throws {
        let output = try TemporaryDirectory("github-none")
        let result = try Tool.run(Paths.executable, [
            "publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "team/app", "--no-push", "--output", output.path,
        ], environment: AWSTestEnvironment.clean(home: output.path), replacingEnvironment: true)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("::") && !result.stdout.contains("::"))
    }

    @Test func workflowCommandsEscapeAsTheRunnerUnescapes() {
        #expect(GitHubWorkflowCommand.warning("50% done\r\nnext: a, b") == "::warning title=ecr-publish::50%25 done%0D%0Anext: a, b")
        #expect(GitHubWorkflowCommand.error("x", title: "a:b,c") == "::error title=a%3Ab%2Cc::x")
        #expect(GitHubWorkflowCommand.addMask("one\ntwo") == ["::add-mask::one", "::add-mask::two"])
    }

    @Test func multiLineValuesUseADelimiterTheValueLacks() throws {
        let text = GitHubOutputs.encode([("single", "a=b"), ("multi", "x\n=y\nghadelimiter_\nz")])
        let directory = try TemporaryDirectory("github-encode")
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory.file("out")))
        let parsed = try Tool.check("python3", [Paths.repositoryRoot + "/Tests/CI/github_files.py", directory.file("out")])
        #expect(try JSONSerialization.jsonObject(with: parsed.stdoutData) as? [String: String]
            == ["single": "a=b", "multi": "x\n=y\nghadelimiter_\nz"])
    }

    @Test func commitLinksPointAtGitHubOnly() {
        let sha = "0123456789abcdef0123456789abcdef01234567"
        #expect(GitHubStepSummary.commitLink(repository: "https://github.com/org/deploy.git", commit: sha, serverURL: nil)
            == "https://github.com/org/deploy/commit/\(sha)")
        #expect(GitHubStepSummary.commitLink(repository: "git@github.com:org/deploy.git", commit: sha, serverURL: nil)
            == "https://github.com/org/deploy/commit/\(sha)")
        #expect(GitHubStepSummary.commitLink(repository: "https://ghe.example.com/org/deploy", commit: sha, serverURL: "https://ghe.example.com")
            == "https://ghe.example.com/org/deploy/commit/\(sha)")
        #expect(GitHubStepSummary.commitLink(repository: "https://gitlab.example.com/org/deploy.git", commit: sha, serverURL: "https://github.com") == nil)
        #expect(GitHubStepSummary.commitLink(repository: "/srv/git/deploy", commit: sha, serverURL: nil) == nil)
    }
}
