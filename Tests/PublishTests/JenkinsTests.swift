import Foundation
import Testing
import TestSupport

/// The Jenkins shared-library step (jenkins/vars/ecrPublish.groovy): compiled with groovyc
/// (Debian's groovy) against minimal stubs of the pipeline steps it calls, type checked so a
/// missing step is a compile error, then run with those stubs (Tests/CI/jenkins): `sh -xe` runs
/// the command line it builds, with a recorder in front of the real binary.
@Suite(.serialized) struct JenkinsTests {
    static let support = Paths.repositoryRoot + "/Tests/CI/jenkins"
    static let step = Paths.repositoryRoot + "/jenkins/vars/ecrPublish.groovy"

    /// groovy's launcher needs JAVA_HOME when /usr/lib/jvm/default-java is absent.
    static let javaEnvironment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment
        if let java = Tool.which("java"), !FileManager.default.fileExists(atPath: "/usr/lib/jvm/default-java/bin/java") {
            let resolved = URL(fileURLWithPath: java).resolvingSymlinksInPath()
            environment["JAVA_HOME"] = resolved.deletingLastPathComponent().deletingLastPathComponent().path
        }
        return environment
    }()

    /// Compiles the stubs, then `source` (the step) against them; returns the classes directory.
    static func compile(_ source: String = step) throws -> (classes: TemporaryDirectory, result: ToolResult) {
        let classes = try TemporaryDirectory("groovy-classes")
        try Tool.check("groovyc", ["-d", classes.path, support + "/NonCPS.groovy", support + "/PipelineStubs.groovy"],
                       environment: javaEnvironment, replacingEnvironment: true)
        let result = try Tool.run("groovyc", ["--configscript", support + "/compiler.groovy", "-cp", classes.path + ":" + support,
                                              "-d", classes.path, source], environment: javaEnvironment, replacingEnvironment: true)
        return (classes, result)
    }

    static let compiled = Result { () throws -> TemporaryDirectory in
        let (classes, result) = try compile()
        guard result.status == 0 else { throw ToolError.failed("groovyc", status: result.status, output: result.stderr) }
        return classes
    }

    struct Run {
        var result: [String: Any]?
        var error: String?
        var calls: [[String: Any]]
        /// Each command line the recorder saw.
        var argv: [[String]]
        var workspace: TemporaryDirectory
        var log: String

        func calls(_ step: String) -> [[String: Any]] { calls.filter { $0["step"] as? String == step } }
    }

    /// Runs the step with `parameters` (binary: the recorder in front of the real ecr-publish).
    static func run(_ parameters: [String: Any], environment: [String: String] = [:], credentials: [String: [String: String]] = [:]) throws -> Run {
        let classes = try compiled.get()
        let workspace = try TemporaryDirectory("jenkins-workspace")
        var stepEnvironment = AWSTestEnvironment.clean(home: workspace.path)
        stepEnvironment["ARGV_LOG"] = workspace.file("argv.log")
        stepEnvironment["REAL_ECR_PUBLISH"] = Paths.executable
        stepEnvironment.merge(environment) { $1 }
        var parameters = parameters
        parameters["binary"] = support + "/argv_recorder.sh"
        let request: [String: Any] = ["workspace": workspace.path, "environment": stepEnvironment, "credentials": credentials, "parameters": parameters]
        try JSONSerialization.data(withJSONObject: request).write(to: URL(fileURLWithPath: workspace.file("request.json")))
        let ran = try Tool.run("groovy", ["-cp", classes.path, support + "/run_step.groovy", workspace.file("request.json")],
                               environment: javaEnvironment, replacingEnvironment: true)
        let line = try #require(ran.stdout.split(separator: "\n").last { $0.hasPrefix("{") }, "\(ran.stdout)\(ran.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let argv = (try? String(contentsOfFile: workspace.file("argv.log"), encoding: .utf8))?.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String]
        } ?? []
        return Run(result: object["result"] as? [String: Any], error: object["error"] as? String,
                   calls: (object["calls"] as? [[String: Any]]) ?? [], argv: argv, workspace: workspace, log: ran.stderr)
    }

    @Test func theStepCompilesAgainstTheStubsAndAMissingStepDoesNot() throws {
        _ = try Self.compiled.get()
        let directory = try TemporaryDirectory("groovy-misspelt")
        let misspelt = try String(contentsOfFile: Self.step, encoding: .utf8).replacingOccurrences(of: "archiveArtifacts(", with: "archiveArtefacts(")
        try Data(misspelt.utf8).write(to: URL(fileURLWithPath: directory.file("ecrPublish.groovy")))
        let (_, result) = try Self.compile(directory.file("ecrPublish.groovy"))
        #expect(result.status != 0 && result.stderr.contains("archiveArtefacts"), "\(result.stderr)")
    }

    @Test func namedParametersBecomeFlagsQuotedForShByteForByte() throws {
        let supplier = "Organization: O'Brien & \"Sons\" $(touch pwned) `touch pwned-too` \\ (ops@example.org)"
        let run = try Self.run([
            "image": Paths.fixtureImage("sample-docker-classic.tar"), "repository": "team/jenkins", "noPush": true,
            "tag": ["v1.0.0", "latest"], "sbomSupplier": supplier, "createRepository": false, "sbom-format": "cyclonedx-json",
        ])
        #expect(run.error == nil, "\(run.log)")
        #expect(run.argv == [[
            "publish", Paths.fixtureImage("sample-docker-classic.tar"), "--no-push", "--repository=team/jenkins", "--sbom-format=cyclonedx-json",
            "--sbom-supplier=\(supplier)", "--tag=v1.0.0", "--tag=latest", "--output=ecr-publish-output", "--result-file=ecr-publish-result.json",
        ]], "\(run.calls("sh"))")
        #expect(!FileManager.default.fileExists(atPath: run.workspace.file("pwned")) && !FileManager.default.fileExists(atPath: run.workspace.file("pwned-too")))
        // The returned map is the tool's report, read back with readJSON.
        let expected = try PublishPushTests.localDigest(Paths.fixtureImage("sample-docker-classic.tar"))
        #expect(run.result?["digest"] as? String == expected)
        #expect(run.result?["tags"] as? [String] == ["v1.0.0", "latest"])
        let archived = run.calls("archiveArtifacts").first?["artifacts"] as? String
        #expect(archived == "ecr-publish-result.json,ecr-publish-output/sbom.cdx.json,ecr-publish-output/gitops.patch")
        #expect(FileManager.default.fileExists(atPath: run.workspace.file("ecr-publish-output/sbom.cdx.json")))
    }

    @Test func credentialsArriveThroughTheirStepsNeverOnTheCommandLine() throws {
        let token = "jenkins-token-" + UUID().uuidString
        let run = try Self.run([
            "image": Paths.fixtureImage("sample-docker-classic.tar"), "repository": "team/jenkins", "noPush": true, "output": "out",
            "awsRole": "arn:aws:iam::123456789012:role/ecr-publish", "awsRegion": "eu-west-1",
            "gitopsTokenCredentialsId": "deploy-token", "awsCredentialsId": "aws-keys", "resultFile": "out/result.json", "archive": false,
        ], credentials: ["deploy-token": ["secret": token], "aws-keys": ["accessKey": "AKIDJENKINS", "secretKey": "not-a-real-secret"]])
        #expect(run.error == nil, "\(run.log)")
        #expect(run.calls.map { $0["step"] as? String ?? "" } == ["withAWS", "withCredentials", "sh", "readJSON"])
        let aws = try #require(run.calls("withAWS").first?["arguments"] as? [String: String])
        #expect(aws == ["role": "arn:aws:iam::123456789012:role/ecr-publish", "region": "eu-west-1"])
        let bindings = try #require(run.calls("withCredentials").first?["bindings"] as? [[String: String]])
        #expect(bindings.map { $0["credentialsId"] } == ["aws-keys", "deploy-token"])
        #expect(bindings.last?["variable"] == "GITOPS_TOKEN")
        let sh = try #require(run.calls("sh").first)
        #expect(sh["env"] as? [String: String] == ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "set", "GITOPS_TOKEN": "set"])
        let script = try #require(sh["script"] as? String)
        #expect(!script.contains(token) && !script.contains("not-a-real-secret") && !run.log.contains(token))
        #expect(run.argv.first?.suffix(2) == ["--output=out", "--result-file=out/result.json"])
    }

    @Test func aPushFromTheStepReturnsTheImageAndItsTags() throws {
        let world = try PublishPushTests.world.get()
        let home = try TemporaryDirectory("jenkins-home")
        var environment = world.moto.environment(home: home.path)
        let keys = ["accessKey": environment.removeValue(forKey: "AWS_ACCESS_KEY_ID") ?? "",
                    "secretKey": environment.removeValue(forKey: "AWS_SECRET_ACCESS_KEY") ?? ""]
        let run = try Self.run([
            "image": Paths.fixtureImage("sample-oci-archive.tar"), "repository": "team/jenkins-push", "createRepository": true,
            "tag": ["build-42"], "registryEndpoint": world.registry.baseURL, "caFile": world.registry.caFile, "awsCredentialsId": "aws",
        ], environment: environment, credentials: ["aws": keys])
        #expect(run.error == nil, "\(run.log)")
        let digest = try #require(run.result?["digest"] as? String)
        #expect(try PublishPushTests.skopeoDigest("team/jenkins-push:build-42") == digest)
        #expect(run.result?["imageUri"] as? String == "\(PublishPushTests.ecrRegistry)/team/jenkins-push@\(digest)")
        #expect(run.result?["tags"] as? [String] == ["build-42"])
        #expect(!run.log.contains(world.moto.secretAccessKey))
    }

    @Test func aFailedRunFailsTheStepWithTheToolsStatus() throws {
        let run = try Self.run(["image": "missing.tar", "repository": "team/jenkins", "noPush": true])
        #expect(run.result == nil)
        #expect(run.error == "ecr-publish exited with status 3: see its error above (README, exit statuses)", "\(run.log)")
        #expect(run.calls("readJSON").isEmpty && run.calls("archiveArtifacts").isEmpty)
        let missing = try Self.run(["repository": "team/jenkins"])
        #expect(missing.error == "ecrPublish: give image, the tarball docker save wrote" && missing.calls("sh").isEmpty)
    }
}
