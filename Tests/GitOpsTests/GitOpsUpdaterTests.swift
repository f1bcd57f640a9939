import Foundation
@testable import GitOps
import OCI
import StreamIO
import Testing
import TestSupport

/// Clone, edit, commit, push against real bare repositories (and a real smart-HTTP server
/// for token authentication).
@Suite struct GitOpsUpdaterTests {
    static let registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    static let digest = Digest("sha256:" + String(repeating: "cd", count: 32))!

    static let deployment = """
        # app deployment
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: \(registry)/team/app:v1.0.0  # pinned by CI
                - name: proxy
                  image: envoyproxy/envoy:v1.29.0

        """

    static func pin(_ repository: String = "team/app", tag: String = "v2.0.0") -> ImagePin {
        ImagePin(image: ImageReference(registry: registry, repository: repository), tag: tag, digest: digest, mode: .tagAndDigest)
    }

    static func configuration(_ remote: GitRemote) -> GitOpsConfiguration {
        var configuration = GitOpsConfiguration(repository: remote.path)
        configuration.authorName = "Release Bot"
        configuration.authorEmail = "release@example.com"
        configuration.sourceCommit = "0123456789abcdef"
        configuration.runURL = "https://ci.example.com/runs/42"
        return configuration
    }

    @Test func editLandsAsOneCommitWithMessageAndAuthor() throws {
        let remote = try GitRemote(files: ["apps/app/deployment.yaml": Self.deployment, "README.md": "docs\n"])
        let result = try GitOpsUpdater(configuration: Self.configuration(remote)).update(pin: Self.pin(), push: true)
        #expect(result.pushed && result.commit != nil && result.attempts == 1)
        #expect(try remote.commitCount() == 2)
        let expected = Self.deployment.replacingOccurrences(
            of: "team/app:v1.0.0", with: "team/app:v2.0.0@\(Self.digest)")
        #expect(try remote.show("apps/app/deployment.yaml") == expected)
        #expect(try remote.lastCommit() == """
            Release Bot <release@example.com>
            Deploy team/app:v2.0.0

            Image: \(Self.registry)/team/app:v2.0.0@\(Self.digest)
            Source commit: 0123456789abcdef
            Pipeline run: https://ci.example.com/runs/42


            """)
        #expect(try remote.lastCommit(format: "%cn <%ce>") == "Release Bot <release@example.com>\n")

        // Nothing to change: success without a commit.
        let again = try GitOpsUpdater(configuration: Self.configuration(remote)).update(pin: Self.pin(), push: true)
        #expect(again.upToDate && !again.pushed)
        #expect(try remote.commitCount() == 2)
    }

    @Test func dryRunReturnsTheDiffAndPushesNothing() throws {
        let remote = try GitRemote(files: ["deploy.yaml": Self.deployment])
        let result = try GitOpsUpdater(configuration: Self.configuration(remote)).update(pin: Self.pin(), push: false)
        #expect(!result.pushed)
        let old = try #require(Self.deployment.split(separator: "\n").first { $0.contains("team/app:v1.0.0") })
        #expect(result.patch.contains("\n-" + old + "\n"))
        #expect(result.patch.contains("\n+" + old.replacingOccurrences(of: "app:v1.0.0", with: "app:v2.0.0@\(Self.digest)") + "\n"))
        #expect(try remote.commitCount() == 1)
    }

    @Test func pushBranchForAPullRequest() throws {
        let remote = try GitRemote(files: ["deploy.yaml": Self.deployment])
        var configuration = Self.configuration(remote)
        configuration.pushBranch = "deploy/app-v2"
        let result = try GitOpsUpdater(configuration: configuration).update(pin: Self.pin(), push: true)
        #expect(result.pushed && result.branch == "deploy/app-v2")
        #expect(try remote.commitCount() == 1)
        #expect(try remote.commitCount(branch: "deploy/app-v2") == 2)
        #expect(try remote.show("deploy.yaml").contains("v1.0.0"))
    }

    @Test func malformedYAMLOrNoMatchPushesNothing() throws {
        let remote = try GitRemote(files: ["broken.yaml": "image: \(Self.registry)/team/app:v1\n  bad: [\n", "other.yaml": "a: 1\n"])
        #expect(throws: GitOpsError.self) { try GitOpsUpdater(configuration: Self.configuration(remote)).update(pin: Self.pin(), push: true) }
        var configuration = Self.configuration(remote)
        configuration.files = ["other.yaml"]
        #expect {
            try GitOpsUpdater(configuration: configuration).update(pin: Self.pin(), push: true)
        } throws: { error in
            if case GitOpsError.noMatch = error { return true }
            return false
        }
        configuration.files = ["missing.yaml"]
        #expect(throws: GitOpsError.fileNotFound("missing.yaml")) {
            try GitOpsUpdater(configuration: configuration).update(pin: Self.pin(), push: true)
        }
        configuration.files = ["../outside.yaml"]
        #expect(throws: GitOpsError.unsafePath("../outside.yaml")) {
            try GitOpsUpdater(configuration: configuration).update(pin: Self.pin(), push: true)
        }
        #expect(try remote.commitCount() == 1)
    }

    /// A Helm template or a file in another encoding in a repository scan is skipped with a
    /// warning; named, it is an error.
    @Test func scanSkipsFilesThatAreNotYAML() throws {
        let template = """
            {{- if .Values.enabled }}
            apiVersion: apps/v1
            kind: Deployment
            spec:
              template:
                spec:
                  containers:
                  - image: "\(Self.registry)/team/app:{{ .Values.image.tag }}"
            {{- end }}

            """
        let latin1 = [UInt8]("# caf\u{E9}\nimage: \(Self.registry)/team/app:v1\n".data(using: .isoLatin1)!)
        let remote = try GitRemote(files: ["chart/templates/deployment.yaml": template, "apps/deployment.yaml": Self.deployment],
                                   bytes: ["legacy.yaml": latin1])
        let result = try GitOpsUpdater(configuration: Self.configuration(remote)).update(pin: Self.pin(), push: true)
        #expect(result.pushed)
        #expect(result.warnings.contains { $0.contains("chart/templates/deployment.yaml") && $0.contains("not valid YAML") })
        #expect(result.warnings.contains { $0.contains("legacy.yaml") && $0.contains("not UTF-8") })
        #expect(try remote.show("chart/templates/deployment.yaml") == template)

        var named = Self.configuration(remote)
        named.files = ["chart/templates/deployment.yaml", "apps/deployment.yaml"]
        #expect {
            try GitOpsUpdater(configuration: named).update(pin: Self.pin("team/app", tag: "v3.0.0"), push: true)
        } throws: { error in
            guard case GitOpsError.malformedYAML(let file, _, _) = error else { return false }
            return file == "chart/templates/deployment.yaml"
        }
    }

    /// A scanned file too large for a manifest is skipped, unread, with a warning; with
    /// --gitops-flux-policy, a file without that policy's markers is not the image's.
    @Test func scanSkipsOversizedFilesAndPolicyNeedsItsMarkers() throws {
        let big = String(repeating: "# \(Self.registry)/team/app\n", count: SourceText.maximumSize / 40 + 1)
        let remote = try GitRemote(files: ["big.yaml": big, "deploy.yaml": Self.deployment])
        let result = try GitOpsUpdater(configuration: Self.configuration(remote)).update(pin: Self.pin(), push: true)
        #expect(result.pushed)
        #expect(result.warnings.contains { $0.contains("big.yaml") && $0.contains("MiB") })
        var configuration = Self.configuration(remote)
        configuration.editOptions.fluxPolicy = "flux-system:app"
        #expect {
            try GitOpsUpdater(configuration: configuration).update(pin: Self.pin(tag: "v3.0.0"), push: true)
        } throws: { error in
            if case GitOpsError.noMatch = error { return true }
            return false
        }
    }

    /// A kustomization named `Kustomization` at the root of the repository is found by the scan.
    @Test func scanFindsARootKustomizationFile() throws {
        let kustomization = "resources:\n- deployment.yaml\nimages:\n- name: \(Self.registry)/team/app\n  newTag: v1.0.0\n"
        let remote = try GitRemote(files: ["Kustomization": kustomization])
        let result = try GitOpsUpdater(configuration: Self.configuration(remote)).update(pin: Self.pin(), push: true)
        #expect(result.pushed)
        #expect(try remote.show("Kustomization") == kustomization.replacingOccurrences(of: "newTag: v1.0.0", with: "newTag: v2.0.0\n  digest: \(Self.digest)"))
    }

    /// Docker Hub official images are written without `library/`: the scan finds them.
    @Test func scanFindsDockerHubShortNames() throws {
        let pod = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: redis:7\n  - image: docker.io/redis\n"
        let remote = try GitRemote(files: ["cache/pod.yaml": pod])
        let pin = ImagePin(image: ImageReference(registry: "docker.io", repository: "library/redis"), tag: "7.2", digest: Self.digest, mode: .tag)
        let result = try GitOpsUpdater(configuration: Self.configuration(remote)).update(pin: pin, push: true)
        #expect(result.pushed)
        #expect(try remote.show("cache/pod.yaml") == pod.replacingOccurrences(of: "redis:7\n", with: "redis:7.2\n")
            .replacingOccurrences(of: "docker.io/redis\n", with: "docker.io/redis:7.2\n"))
    }

    @Test func unmatchedNamedFileIsAWarningWhenAnotherMatched() throws {
        let remote = try GitRemote(files: ["deploy.yaml": Self.deployment, "other.yaml": "a: 1\n"])
        var configuration = Self.configuration(remote)
        configuration.files = ["deploy.yaml", "other.yaml"]
        let result = try GitOpsUpdater(configuration: configuration).update(pin: Self.pin(), push: true)
        #expect(result.pushed)
        #expect(result.warnings.contains { $0.contains("other.yaml") })
    }

    /// Two pipelines pinning two images in the same branch at the same moment: both land,
    /// one after the other, neither edit lost.
    @Test func raceDrill() async throws {
        let apps = Self.deployment + "---\n" + Self.deployment.replacingOccurrences(of: "team/app", with: "team/worker")
            .replacingOccurrences(of: "name: app", with: "name: worker")
        let remote = try GitRemote(files: ["apps.yaml": apps])
        try remote.synchronizePushes(count: 2)
        let configuration = Self.configuration(remote)
        // Two threads of their own, released together.
        let start = DispatchSemaphore(value: 0)
        let pins = [Self.pin("team/app"), Self.pin("team/worker", tag: "v3.0.0")]
        let results = try await withThrowingTaskGroup(of: GitOpsResult.self) { group in
            for pin in pins {
                group.addTask {
                    try await Blocking.run {
                        start.wait()
                        return try GitOpsUpdater(configuration: configuration).update(pin: pin, push: true)
                    }
                }
            }
            start.signal()
            start.signal()
            var results: [GitOpsResult] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(results.allSatisfy { $0.pushed })
        #expect(results.contains { $0.attempts > 1 }, "the second push had to retry")
        #expect(try remote.commitCount() == 3)
        let final = try remote.show("apps.yaml")
        #expect(final.contains("team/app:v2.0.0@\(Self.digest)"))
        #expect(final.contains("team/worker:v3.0.0@\(Self.digest)"))
    }

    /// HTTPS-style token auth through a real smart-HTTP server: the token works, and appears
    /// in no output, `.git/config` or reflog of the clone.
    @Test func tokenNeverLeaks() throws {
        let token = "ghp_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        SecretLedger.record(token)
        let root = try TemporaryDirectory("git-http")
        let bare = try GitRemote(files: ["deploy.yaml": Self.deployment])
        try Tool.check("cp", ["-r", bare.path, root.file("app.git")])
        let server = try TestServers.start("git_http_server.py", ["--root", root.path, "--token", token])
        let keep = try TemporaryDirectory("clone")
        var configuration = GitOpsConfiguration(repository: "\(server.baseURL)/app.git")
        configuration.token = token
        configuration.workDirectory = keep.file("repo")
        let result = try GitOpsUpdater(configuration: configuration).update(pin: Self.pin(), push: true)
        #expect(result.pushed)
        let config = try String(contentsOfFile: keep.file("repo/.git/config"), encoding: .utf8)
        #expect(!config.contains(token))
        let reflog = try Tool.check("git", ["-C", keep.file("repo"), "reflog", "--all"]).stdout
        #expect(!reflog.contains(token))
        let logs = try Tool.check("bash", ["-c", "cat \"$0\"/.git/logs/HEAD \"$0\"/.git/FETCH_HEAD 2>/dev/null; true", keep.file("repo")]).stdout
        #expect(!logs.contains(token))
        #expect(!String(describing: result).contains(token))
        #expect(!server.log.contains(token))

        // Without the token the server refuses: an authentication error, no token in it.
        var anonymous = configuration
        anonymous.token = nil
        anonymous.workDirectory = nil
        #expect {
            try GitOpsUpdater(configuration: anonymous).update(pin: Self.pin(), push: true)
        } throws: { error in
            guard case GitOpsError.authentication = error else { return false }
            return !String(describing: error).contains(token)
        }
        // A token in the URL is refused before anything runs.
        var inURL = configuration
        inURL.repository = server.baseURL.replacingOccurrences(of: "http://", with: "http://x:\(token)@") + "/app.git"
        #expect(throws: GitOpsError.credentialInURL) { try GitOpsUpdater(configuration: inURL).update(pin: Self.pin(), push: true) }
    }
}
