import Foundation
import Testing
import TestSupport

/// The composite action (action/action.yml) and its example workflow: GitHub's own schemas
/// (check-jsonschema's built-in vendor.github-actions / vendor.github-workflows), and a run
/// of its steps as the runner would (Tests/CI/run_composite.py) against the test world.
@Suite(.serialized) struct ActionTests {
    static let action = Paths.repositoryRoot + "/action/action.yml"
    static let example = Paths.repositoryRoot + "/action/example-workflow.yml"
    /// The action's own inputs; every other input is the publish setting of its name.
    static let ownInputs: Set<String> = ["image", "working-directory", "args", "ecr-publish-path", "cache"]
    /// Inputs for publish options of signing and the push record, which other work adds;
    /// until then the tool warns that the variable names no setting. Delete a name here
    /// when its option lands: the test then checks it like the others.
    static let pendingOptions: Set<String> = []

    @Test func theActionAndTheExampleWorkflowAreValidForGitHub() throws {
        let action = try Tool.run("check-jsonschema", ["--builtin-schema", "vendor.github-actions", Self.action])
        #expect(action.status == 0, "\(action.stdout)\(action.stderr)")
        let workflow = try Tool.run("check-jsonschema", ["--builtin-schema", "vendor.github-workflows", Self.example])
        #expect(workflow.status == 0, "\(workflow.stdout)\(workflow.stderr)")
        // The schema is really applied: a composite run step without its shell is refused.
        let directory = try TemporaryDirectory("action-schema")
        let broken = try String(contentsOfFile: Self.action, encoding: .utf8)
            .replacingOccurrences(of: "      id: publish\n      shell: bash\n", with: "      id: publish\n")
        try Data(broken.utf8).write(to: URL(fileURLWithPath: directory.file("action.yml")))
        #expect(try Tool.run("check-jsonschema", ["--builtin-schema", "vendor.github-actions", directory.file("action.yml")]).status == 1)
    }

    /// The fenced block after `<!-- marker -->` in README.md.
    static func readmeBlock(_ marker: String) throws -> String {
        let readme = try String(contentsOfFile: Paths.repositoryRoot + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- \(marker) -->\n```"))
        let body = try #require(readme.range(of: "\n", range: start.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "```", range: body.upperBound..<readme.endIndex))
        return String(readme[body.upperBound..<end.lowerBound])
    }

    @Test func theREADMEShowsTheExampleWorkflowAndAPolicyIAMAccepts() throws {
        #expect(try Self.readmeBlock("example-workflow") == String(contentsOfFile: Self.example, encoding: .utf8))
        let policy = try Self.readmeBlock("iam-policy")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any])
        let statements = try #require(document["Statement"] as? [[String: Any]])
        #expect(statements.map { $0["Sid"] as? String ?? "" }
            == ["EcrLogin", "EcrPush", "EcrRepositorySettings", "SignWithKms", "RecordItem", "RecordObject", "RecordNotification", "RecordEvent"])
        // moto's IAM checks the policy grammar (version, effects, action and resource forms).
        let world = try PublishPushTests.world.get()
        let home = try TemporaryDirectory("iam-policy")
        let created = try world.moto.aws(["iam", "create-policy", "--policy-name", "ecr-publish-readme-\(UUID().uuidString.prefix(8))",
                                          "--policy-document", policy], home: home.path)
        #expect(created.stdout.contains("\"Arn\""))
        // Every ECR API the tool calls on the repository is in it.
        let push = try #require(statements.first { $0["Sid"] as? String == "EcrPush" }?["Action"] as? [String])
        #expect(Set(push).isSuperset(of: ["ecr:BatchCheckLayerAvailability", "ecr:PutImage", "ecr:BatchGetImage", "ecr:DescribeRepositories"]))
    }

    @Test func everyInputIsAPublishSettingPassedAsItsVariable() throws {
        let described = try Tool.check("python3", ["-c", """
            import json, sys, yaml
            action = yaml.safe_load(open(sys.argv[1]))
            publish = next(step for step in action["runs"]["steps"] if step.get("id") == "publish")
            print(json.dumps({"inputs": sorted(action["inputs"]), "env": publish["env"], "outputs": sorted(action["outputs"])}))
            """, Self.action])
        struct Described: Decodable { var inputs: [String]; var env: [String: String]; var outputs: [String] }
        let action = try JSONDecoder().decode(Described.self, from: described.stdoutData)
        let settingInputs = action.inputs.filter { !Self.ownInputs.contains($0) }
        for input in settingInputs {
            let variable = "ECR_PUBLISH_" + input.uppercased().replacingOccurrences(of: "-", with: "_")
            #expect(action.env[variable] == "${{ inputs.\(input) }}", "\(input) reaches publish as \(variable)")
        }
        #expect(Set(action.env.keys.filter { $0.hasPrefix("ECR_PUBLISH_") }).count == settingInputs.count, "no variable without its input")

        let directory = try TemporaryDirectory("action-settings")
        let shown = try Tool.check(Paths.executable, ["config", "show", "--all", "--json"], directory: directory.path)
        let object = try #require(try JSONSerialization.jsonObject(with: shown.stdoutData) as? [String: Any])
        let flags = Set(try #require(object["settings"] as? [[String: Any]]).compactMap { ($0["flag"] as? String)?.dropFirst(2) }.map(String.init))
        let notSettings = Set(settingInputs).subtracting(flags).union(["config"].filter { settingInputs.contains($0) })
        #expect(notSettings.subtracting(["config"]).isSubset(of: Self.pendingOptions), "inputs that are no publish setting: \(notSettings.sorted())")
        #expect(action.outputs == ["digest", "gitops-commit", "image-uri", "primary-tag", "record-path", "sbom-path", "signature-digest", "tags"])
    }

    /// Runs the composite with the harness: `with:` inputs, a workspace holding `.ecr-publish.yml`,
    /// the AWS variables configure-aws-credentials would leave, the GitHub context.
    static func runAction(inputs: [String: String], configFile: String?, environment: [String: String] = [:]) throws
        -> (status: Int32, result: [String: Any], runnerTemp: TemporaryDirectory) {
        let world = try PublishPushTests.world.get()
        let workspace = try TemporaryDirectory("action-workspace")
        if let configFile { try Data(configFile.utf8).write(to: URL(fileURLWithPath: workspace.file(".ecr-publish.yml"))) }
        let runnerTemp = try TemporaryDirectory("action-runner-temp")
        let home = try TemporaryDirectory("action-home")
        var base = world.moto.environment(home: home.path, extra: environment)
        base["SOURCE_DATE_EPOCH"] = "1700000000"
        let github = ["sha": "0123456789abcdef0123456789abcdef01234567", "ref": "refs/heads/main", "ref_name": "main", "ref_type": "branch",
                      "event_name": "push", "repository": "example/web", "server_url": "https://github.com", "run_id": "4242",
                      "run_number": "7"]
        let encode = { (value: [String: String]) in String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
        let run = try Tool.run("python3", [
            Paths.repositoryRoot + "/Tests/CI/run_composite.py", Self.action, "--workspace", workspace.path,
            "--inputs", encode(inputs), "--github", encode(github), "--env", encode(base), "--runner-temp", runnerTemp.path,
        ], environment: AWSTestEnvironment.clean(home: home.path), replacingEnvironment: true)
        SecretScan.check(run, against: [world.registry.password, world.moto.secretAccessKey])
        let result = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any], "\(run.stderr)")
        return (run.status, result, runnerTemp)
    }

    static func steps(_ result: [String: Any]) -> [(name: String, outcome: String, note: String?, stderr: String)] {
        ((result["steps"] as? [[String: Any]]) ?? []).map {
            (($0["name"] as? String) ?? "", ($0["outcome"] as? String) ?? "", $0["note"] as? String, ($0["stderr"] as? String) ?? "")
        }
    }

    @Test func theStepsRunAsGitHubRunsThemAndTheOutputsNameThePushedImage() throws {
        let world = try PublishPushTests.world.get()
        let (status, result, runnerTemp) = try Self.runAction(inputs: [
            "image": Paths.fixtureImage("sample-docker-classic.tar"),
            "repository": "team/action",
            "tag": "release-candidate\nqa\n",
            "env-tag": "staging",
            "registry-endpoint": world.registry.baseURL,
            "ca-file": world.registry.caFile,
            "ecr-publish-path": Paths.executable,
        ], configFile: "repository:\n  create-repository: true\ntag:\n  scheme: team\n  env-tag: dev\n")
        let steps = Self.steps(result)
        #expect(status == 0, "\(steps.map { "\($0.name): \($0.outcome) \($0.stderr)" })")
        let outcomes = Dictionary(steps.map { ($0.name, $0.outcome) }, uniquingKeysWith: { $1 })
        #expect(outcomes["Locate ecr-publish"] == "success" && outcomes["Install the libraries ecr-publish links"] == "success")
        #expect(outcomes["Restore the built ecr-publish"] == "skipped" && outcomes["Build ecr-publish (release)"] == "skipped",
                "a prebuilt binary is neither restored nor built")
        let blobCache = try #require(steps.first { $0.name == "Restore the blob-info cache" })
        #expect(blobCache.outcome == "skipped" && blobCache.note?.contains("uses: actions/cache@v4 is another action") == true)
        #expect(outcomes["Publish"] == "success")

        let outputs = try #require(result["outputs"] as? [String: String])
        let digest = try #require(outputs["digest"])
        #expect(try PublishPushTests.skopeoDigest("team/action:staging") == digest)
        #expect(outputs["image-uri"] == "\(PublishPushTests.ecrRegistry)/team/action@\(digest)")
        let tags = outputs["tags"]?.split(separator: "\n").map(String.init) ?? []
        #expect(outputs["primary-tag"] == "01234567-20231114221320" && tags.first == "01234567-20231114221320", "\(tags)")
        #expect(Set(tags).isSuperset(of: ["release-candidate", "qa", "staging", "main-01234567", "main-latest"]) && !tags.contains("dev"),
                "the input's env-tag beats the file's: \(tags)")
        #expect(outputs["sbom-path"] == runnerTemp.path + "/ecr-publish-output/sbom.spdx.json")
        #expect(FileManager.default.fileExists(atPath: outputs["sbom-path"] ?? ""))
        #expect(outputs["gitops-commit"] == "" && outputs["record-path"] == "")
        let summary = try #require(result["summary"] as? String)
        #expect(summary.contains("`\(digest)`") && summary.contains("`staging`"), "\(summary)")
        #expect((result["deprecated_commands"] as? [String])?.isEmpty == true)
    }

    @Test func aFailingPublishFailsTheActionWithAnErrorAnnotation() throws {
        let (status, result, _) = try Self.runAction(inputs: [
            "image": "missing.tar", "repository": "team/action-missing", "no-push": "true", "ecr-publish-path": Paths.executable,
        ], configFile: nil)
        #expect(status == 1)
        let publish = try #require(Self.steps(result).first { $0.name == "Publish" })
        #expect(publish.outcome == "failure")
        let annotations = (result["annotations"] as? [String]) ?? []
        #expect(annotations.contains { $0.hasPrefix("::error title=ecr-publish::") && $0.contains("missing.tar") }, "\(annotations)")
        #expect((result["outputs"] as? [String: String])?["digest"] == "")
    }

    /// The README's workflow, step by step as the runner would run it: checkout and
    /// configure-aws-credentials are other actions (skipped; the test leaves what they would:
    /// a workspace, AWS variables), `docker build`/`docker save` needs a Docker daemon this
    /// machine lacks (skipped; a docker save tarball is put where it would write one), the
    /// action runs from this repository, and the deployment repository is served by a local
    /// git server that git reaches through the runner's `url.insteadOf` setting.
    @Test func theExampleWorkflowRunsInOrderAgainstTheTestWorld() throws {
        let world = try PublishPushTests.world.get()
        let token = "deploy-" + UUID().uuidString
        let root = try TemporaryDirectory("workflow-git")
        let deploy = try GitRemote(files: [
            "apps/web/overlays/staging/kustomization.yaml": """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [../../base]
                images:
                  - name: \(PublishPushTests.ecrRegistry)/team/web
                    newTag: old
                """,
        ])
        try Tool.check("cp", ["-r", deploy.path, root.file("deploy.git")])
        let git = try TestServers.start("git_http_server.py", ["--root", root.path, "--token", token])

        let workspace = try TemporaryDirectory("workflow-workspace")
        try Data("push:\n  registry-endpoint: \(world.registry.baseURL)\naws:\n  ca-file: \(world.registry.caFile)\nrepository:\n  create-repository: true\n".utf8)
            .write(to: URL(fileURLWithPath: workspace.file(".ecr-publish.yml")))
        let runnerTemp = try TemporaryDirectory("workflow-runner-temp")
        try Tool.check("cp", [Paths.fixtureImage("sample-docker-classic.tar"), runnerTemp.file("web.tar")])
        let home = try TemporaryDirectory("workflow-home")
        var environment = world.moto.environment(home: home.path)
        environment.merge([
            "SOURCE_DATE_EPOCH": "1700000000", "ECR_PUBLISH_BIN": Paths.executable,
            "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "url.\(git.baseURL)/.insteadOf", "GIT_CONFIG_VALUE_0": "https://github.com/example/",
        ]) { $1 }
        let github = ["sha": "0123456789abcdef0123456789abcdef01234567", "ref": "refs/heads/main", "ref_name": "main", "ref_type": "branch",
                      "event_name": "push", "repository": "example/web", "server_url": "https://github.com", "run_id": "99", "run_number": "3"]
        let encode = { (value: [String: String]) in String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
        let run = try Tool.run("python3", [
            Paths.repositoryRoot + "/Tests/CI/run_composite.py", Self.example, "--job", "publish", "--workspace", workspace.path,
            "--github", encode(github), "--env", encode(environment), "--secrets", encode(["DEPLOY_TOKEN": token]),
            "--runner-temp", runnerTemp.path, "--local-action", "example/ecr-publish/action@v1=\(Self.action)",
            "--skip-step", "Build the image=no Docker daemon here; the test wrote a docker save tarball to $RUNNER_TEMP/web.tar",
        ], environment: AWSTestEnvironment.clean(home: home.path), replacingEnvironment: true)
        SecretScan.check(run, against: [world.registry.password, world.moto.secretAccessKey])
        let result = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any], "\(run.stderr)")
        let steps = Self.steps(result)
        #expect(run.status == 0, "\(steps.map { "\($0.name): \($0.outcome) \($0.stderr)" })")
        let top = ((result["steps"] as? [[String: Any]]) ?? []).filter { $0["depth"] as? Int == 0 }
        #expect(top.map { "\($0["name"] as? String ?? ""): \($0["outcome"] as? String ?? "")" } == [
            "actions/checkout@v4: skipped", "aws-actions/configure-aws-credentials@v4: skipped", "Build the image: skipped",
            "Publish to ECR: success", "Keep the SBOM with the run: skipped", "Use the outputs: success",
        ])
        #expect(steps.first { $0.name == "Build ecr-publish (release)" }?.outcome == "skipped", "ECR_PUBLISH_BIN: nothing built")

        let outputs = try #require((result["outputs"] as? [String: [String: String]])?["publish"])
        let digest = try #require(outputs["digest"])
        #expect(try PublishPushTests.skopeoDigest("team/web:staging") == digest)
        let echoed = top.last?["stdout"] as? String ?? ""
        #expect(echoed == "image \(PublishPushTests.ecrRegistry)/team/web@\(digest)\nprimary tag 01234567-20231114221320\n", "\(echoed)")
        // The deployment repository now pins the digest, in the commit the output names.
        let pinned = try Tool.check("git", ["--git-dir", root.file("deploy.git"), "show", "main:apps/web/overlays/staging/kustomization.yaml"])
        #expect(pinned.stdout.contains("digest: \(digest)"), "\(pinned.stdout)")
        let head = try Tool.check("git", ["--git-dir", root.file("deploy.git"), "rev-parse", "main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(outputs["gitops-commit"] == head)
        #expect(((result["masks"] as? [String]) ?? []).contains(token), "the token is masked first")
        #expect(!(result["summary"] as? String ?? "").contains(token))
    }
}
