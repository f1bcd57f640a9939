import Foundation
import Testing
import TestSupport

/// `gitops update` and `publish --no-push` with GitOps options, through the executable.
@Suite struct GitOpsCommandTests {
    static let registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    static let digest = "sha256:" + String(repeating: "ef", count: 32)
    static let values = """
        image:
          repository: \(registry)/team/app   # ECR
          tag: "v1"

        """

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolResult {
        try Tool.run(Paths.executable, arguments, environment: AWSTestEnvironment.clean().merging(environment) { $1 }, replacingEnvironment: true)
    }

    @Test func updatePushesOneCommit() throws {
        let remote = try GitRemote(files: ["charts/app/values-prod.yaml": Self.values])
        let result = try Self.run([
            "gitops", "update", "--image", "\(Self.registry)/team/app:v2@\(Self.digest)",
            "--gitops-repo", remote.path, "--gitops-author", "Bot <bot@example.com>", "--gitops-message", "release {tag}",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("pushed"))
        #expect(try remote.show("charts/app/values-prod.yaml") == Self.values.replacingOccurrences(of: "tag: \"v1\"", with: "tag: \"v2@\(Self.digest)\""))
        #expect(try remote.lastCommit() == "Bot <bot@example.com>\nrelease v2\n\n")
    }

    /// Moving an image to ECR: the repository scan finds Docker Hub short names, and
    /// `--gitops-match` rewrites them to the published image.
    @Test func matchMovesDockerHubImagesToTheRepository() throws {
        let deployment = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx:1.25\n  - image: redis:7\n"
        let remote = try GitRemote(files: ["apps/web.yaml": deployment, "apps/kustomization.yaml": "resources:\n- web.yaml\n"])
        let result = try Self.run([
            "gitops", "update", "--image", "\(Self.registry)/team/app:v2@\(Self.digest)", "--gitops-repo", remote.path,
            "--gitops-match", "docker.io/library/nginx",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try remote.show("apps/web.yaml") == deployment.replacingOccurrences(of: "nginx:1.25", with: "\(Self.registry)/team/app:v2@\(Self.digest)"))
    }

    @Test func repeatedHelmKeyForOneRoleKeepsEveryPath() throws {
        let values = "web:\n  image: \(Self.registry)/team/app:v1\nworker:\n  image: \(Self.registry)/team/app:v1\n"
        let remote = try GitRemote(files: ["values.yaml": values])
        let result = try Self.run([
            "gitops", "update", "--image", "\(Self.registry)/team/app:v2@\(Self.digest)", "--gitops-repo", remote.path, "--gitops-pin", "tag",
            "--gitops-helm-key", "image=web.image", "--gitops-helm-key", "image=worker.image",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try remote.show("values.yaml") == values.replacingOccurrences(of: "app:v1", with: "app:v2"))
    }

    @Test func noPushWritesThePatch() throws {
        let remote = try GitRemote(files: ["values.yaml": Self.values])
        let output = try TemporaryDirectory("patch")
        let result = try Self.run([
            "gitops", "update", "--image", "\(Self.registry)/team/app:v2@\(Self.digest)", "--gitops-repo", remote.path,
            "--gitops-pin", "tag", "--no-push", "--output", output.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let patch = try String(contentsOfFile: output.file("gitops.patch"), encoding: .utf8)
        #expect(patch.contains("+  tag: \"v2\""))
        #expect(result.stdout.contains("+  tag: \"v2\""))
        #expect(try remote.commitCount() == 1)
    }

    @Test func publishNoPushProducesTheGitOpsPatchForTheLocalDigest() throws {
        let remote = try GitRemote(files: ["deploy/app.yaml": "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: \(Self.registry)/team/app:old\n"])
        let output = try TemporaryDirectory("publish-gitops")
        let result = try Self.run([
            "publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "team/app", "--no-push",
            "--output", output.path, "--tag", "v9", "--registry", Self.registry, "--gitops-repo", remote.path, "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let digest = try #require((report["manifest"] as? [String: Any])?["digest"] as? String)
        let patch = try String(contentsOfFile: output.file("gitops.patch"), encoding: .utf8)
        #expect(patch.contains("+  - image: \(Self.registry)/team/app:v9@\(digest)"))
        #expect(try remote.commitCount() == 1)
        let missingRegistry = try Self.run([
            "publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "team/app", "--no-push",
            "--output", output.path, "--tag", "v9", "--gitops-repo", remote.path,
        ])
        #expect(missingRegistry.status == 2)
        #expect(missingRegistry.stderr.contains("--registry"))
    }

    static let errorCases: [([String], Int32)] = [
        (["--gitops-repo", "/nonexistent/repo"], 5),
        (["--gitops-file", "x.yaml"], 2),
        (["--gitops-repo", "REMOTE", "--gitops-file", "nothing-here.yaml"], 2),
        (["--gitops-repo", "REMOTE", "--gitops-helm-key", "colour=a.b"], 2),
        (["--gitops-repo", "REMOTE", "--gitops-match", "nginx:1.25"], 2),
        (["--gitops-repo", "REMOTE", "--gitops-token-env", "NOT_SET_ANYWHERE"], 2),
        (["--gitops-repo", "https://user:hunter2@example.invalid/repo.git"], 2),
    ]

    @Test(arguments: errorCases)
    func errorsHaveTheirExitStatus(extra: [String], status: Int32) throws {
        let remote = try GitRemote(files: ["values.yaml": Self.values])
        let arguments = ["gitops", "update", "--image", "\(Self.registry)/team/app:v2@\(Self.digest)"]
            + extra.map { $0 == "REMOTE" ? remote.path : $0 }
        let result = try Self.run(arguments)
        #expect(result.status == status, "\(extra): \(result.stderr)")
        #expect(!result.stderr.contains("hunter2"))
    }

    @Test func tokenFromTheEnvironmentIsNeverPrinted() throws {
        let token = "glpat-" + UUID().uuidString
        SecretLedger.record(token)
        let root = try TemporaryDirectory("git-http-cli")
        let bare = try GitRemote(files: ["values.yaml": Self.values])
        try Tool.check("cp", ["-r", bare.path, root.file("app.git")])
        let server = try TestServers.start("git_http_server.py", ["--root", root.path, "--token", token, "--user", "oauth2"])
        let result = try Self.run([
            "gitops", "update", "--image", "\(Self.registry)/team/app:v2@\(Self.digest)",
            "--gitops-repo", "\(server.baseURL)/app.git", "--gitops-token-env", "DEPLOY_TOKEN", "--gitops-token-user", "oauth2", "--json",
        ], environment: ["DEPLOY_TOKEN": token])
        #expect(result.status == 0, "\(result.stderr)")
        SecretScan.check(result, against: [token])
        let denied = try Self.run([
            "gitops", "update", "--image", "\(Self.registry)/team/app:v3@\(Self.digest)",
            "--gitops-repo", "\(server.baseURL)/app.git", "--gitops-token-env", "DEPLOY_TOKEN", "--gitops-token-user", "oauth2",
        ], environment: ["DEPLOY_TOKEN": "wrong-" + token])
        #expect(denied.status == 4, "\(denied.stderr)")
        SecretScan.check(denied, against: [token])
    }
}

extension GitOpsCommandTests {
    /// SSH works the way git does it: the environment's SSH setup (here a deploy key given
    /// through `GIT_SSH_COMMAND`) reaches git unchanged.
    @Test func sshRepository() throws {
        let ssh = try SSHServer()
        let remote = try GitRemote(files: ["values.yaml": Self.values])
        let result = try Self.run([
            "gitops", "update", "--image", "\(Self.registry)/team/app:v4@\(Self.digest)", "--gitops-repo", ssh.url(remote.path),
        ], environment: ["GIT_SSH_COMMAND": ssh.gitSSHCommand])
        #expect(result.status == 0, "\(result.stderr) \(ssh.log)")
        #expect(try remote.show("values.yaml").contains("tag: \"v4@\(Self.digest)\""))
        let refused = try Self.run([
            "gitops", "update", "--image", "\(Self.registry)/team/app:v5@\(Self.digest)", "--gitops-repo", ssh.url(remote.path),
        ], environment: ["GIT_SSH_COMMAND": "ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -i /dev/null"])
        #expect(refused.status == 4, "\(refused.stderr)")
    }
}
