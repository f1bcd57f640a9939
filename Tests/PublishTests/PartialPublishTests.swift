import Foundation
import Testing
import TestSupport

/// A stage after the push that fails (here GitOps, against a repository that is not there)
/// leaves the image pushed and says so: the report still carries the digest and tags, lists
/// the failed stage, and the run exits with the partial status 7 (README, exit statuses).
@Suite(.serialized) struct PartialPublishTests {
    @Test func aGitOpsFailureAfterThePushKeepsTheReportAndExitsSeven() throws {
        let image = Paths.fixtureImage("sample-docker-classic.tar")
        let expected = try PublishPushTests.localDigest(image)
        let missing = try TemporaryDirectory("partial-gitops")
        let result = try PublishPushTests.push(image, repository: "team/partial", [
            "--tag", "p1", "--json", "--gitops-repo", missing.path + "/no-such-repo.git",
        ])
        #expect(result.status == 7, "\(result.stderr)")
        let report = try PublishPushTests.report(result)
        #expect(report["pushed"] as? Bool == true)
        #expect((report["manifest"] as? [String: Any])?["digest"] as? String == expected)
        let failures = try #require(report["failures"] as? [[String: Any]])
        #expect(failures.map { $0["stage"] as? String } == ["gitops"])
        #expect(result.stderr.contains("the image was pushed, but a later stage failed: gitops: "), "\(result.stderr)")
        #expect(try PublishPushTests.skopeoDigest("team/partial:p1") == expected, "the tag is in the registry")
    }

    @Test func withoutAPushTheSameFailureEndsTheRunWithItsOwnStatus() throws {
        let image = Paths.fixtureImage("sample-docker-classic.tar")
        let output = try TemporaryDirectory("partial-local")
        let missing = try TemporaryDirectory("partial-gitops-local")
        let result = try CLI.publishLocally(image, output: output.path, [
            "--registry", PublishPushTests.ecrRegistry, "--tag", "p1", "--gitops-repo", missing.path + "/no-such-repo.git",
        ])
        #expect(result.status != 0 && result.status != 7, "nothing was pushed: \(result.status) \(result.stderr)")
    }
}
