import Foundation
import Testing
import TestSupport

/// `.ecr-publish.yml` and `ECR_PUBLISH_*`: precedence, errors with the file's line,
/// `config show`, and the shipped schema (check-jsonschema as the independent validator).
@Suite struct ConfigTests {
    /// A working directory holding `.ecr-publish.yml`.
    struct Workspace {
        let directory: TemporaryDirectory

        init(_ file: String?) throws {
            directory = try TemporaryDirectory("config")
            if let file { try write(".ecr-publish.yml", file) }
        }

        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory.file(name)))
        }

        func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolResult {
            try Tool.run(Paths.executable, arguments, environment: AWSTestEnvironment.clean(home: directory.path).merging(environment) { $1 },
                         replacingEnvironment: true, directory: directory.path)
        }

        /// `config show --json` as setting → (values, source).
        func show(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> [String: (values: [String], source: String)] {
            let result = try run(["config", "show", "--json"] + arguments, environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
            let settings = try #require(object["settings"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: settings.map {
                (($0["setting"] as? String) ?? "", (($0["values"] as? [String]) ?? [], ($0["source"] as? String) ?? ""))
            })
        }
    }

    static let teamFile = """
        publish:
          repository: team/web
        tag:
          tag: [from-file-1, from-file-2]
          env-tag: staging
        push:
          jobs: 2
        aws:
          region: eu-west-1
        repository:
          scan-on-push: true
        """

    @Test func flagsBeatTheEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws {
        let workspace = try Workspace(Self.teamFile)
        let file = ".ecr-publish.yml"
        let shown = try workspace.show(["--jobs", "9"], environment: [
            "ECR_PUBLISH_TAG": "from-env-1\nfrom-env-2\n", "ECR_PUBLISH_JOBS": "6", "ECR_PUBLISH_SCAN_ON_PUSH": "false",
            "AWS_REGION": "us-west-2",
        ])
        #expect(shown["publish.repository"]?.values == ["team/web"] && shown["publish.repository"]?.source == "file \(file):2")
        #expect(shown["tag.tag"]?.values == ["from-env-1", "from-env-2"], "the environment's list replaces the file's")
        #expect(shown["tag.tag"]?.source == "environment ECR_PUBLISH_TAG")
        #expect(shown["tag.env-tag"]?.source == "file \(file):5")
        #expect(shown["push.jobs"]?.values == ["9"] && shown["push.jobs"]?.source == "flag")
        #expect(shown["repository.scan-on-push"]?.values == ["false"], "an inverted flag from the environment")
        #expect(shown["aws.region"]?.values == ["us-west-2"] && shown["aws.region"]?.source == "environment AWS_REGION")
        #expect(shown["image.compression-level"]?.values == ["2"] && shown["image.compression-level"]?.source == "default")

        // Without the environment, the file's values; a flag's list replaces the file's.
        let plain = try workspace.show(["--tag", "cli"])
        #expect(plain["tag.tag"]?.values == ["cli"] && plain["tag.tag"]?.source == "flag")
        #expect(plain["aws.region"]?.values == ["eu-west-1"] && plain["push.jobs"]?.values == ["2"])
    }

    @Test func theFileDrivesARealRunAndAnotherFileCanBeNamed() throws {
        let workspace = try Workspace("""
            publish:
              repository: team/web
              no-push: true
              output: out
            tag:
              tag: [v1.0.0, stable]
            sbom:
              format: cyclonedx-json
            """)
        let image = Paths.fixtureImage("sample-docker-classic.tar")
        let result = try workspace.run(["publish", image, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(report["tags"] as? [String] == ["v1.0.0", "stable"])
        #expect(report["repository"] as? String == "team/web")
        #expect(FileManager.default.fileExists(atPath: workspace.directory.file("out/sbom.cdx.json")))
        #expect(!FileManager.default.fileExists(atPath: workspace.directory.file("out/sbom.spdx.json")))

        try workspace.write("other.yml", "publish:\n  repository: team/other\n  no-push: true\n  output: other-out\nsbom:\n  no-sbom: true\n")
        let other = try workspace.run(["publish", image, "--config", "other.yml", "--json"], environment: ["ECR_PUBLISH_NO_SBOM": "false"])
        #expect(other.status == 0, "\(other.stderr)")
        let otherReport = try #require(try JSONSerialization.jsonObject(with: other.stdoutData) as? [String: Any])
        #expect(otherReport["repository"] as? String == "team/other", "--config names the file; .ecr-publish.yml is not read")
        #expect(FileManager.default.fileExists(atPath: workspace.directory.file("other-out/sbom.spdx.json")), "the environment turned the SBOM back on")
    }

    @Test func tagsReadsTheTagSectionAndItsVariablesOnly() throws {
        let workspace = try Workspace("publish:\n  json: true\n  repository: team/web\ntag:\n  tag: [from-file]\n  template: [\"{sha8}-t\"]\n  scheme: none\n")
        let context = ["GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567", "SOURCE_DATE_EPOCH": "1700000000"]
        let tags = try workspace.run(["tags"], environment: context)
        #expect(tags.status == 0, "\(tags.stderr)")
        #expect(tags.stdout == "01234567-t\nfrom-file\n", "text, not the publish section's JSON: \(tags.stdout)")
        try workspace.write("other.yml", "tag:\n  tag: [other]\n  scheme: none\n")
        let named = try workspace.run(["tags", "--config", "other.yml", "--env-tag", "cli"], environment: context.merging(["ECR_PUBLISH_TAG": "env"]) { $1 })
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stdout.split(separator: "\n").sorted() == ["cli", "env"], "the flag, the variable over the file: \(named.stdout)")
    }

    @Test(arguments: [
        ("push:\n  jobs: many\n", 2, "'push.jobs': The value 'many' is invalid for '--jobs"),
        ("tags:\n  tag: x\n", 1, "unknown section 'tags'"),
        ("gitops:\n  gitops-repo: x\n", 2, "unknown setting 'gitops-repo' in section 'gitops' (did you mean 'gitops.repo'?)"),
        ("publish:\n  repository: team/x\nsbom:\n  no-sbom: maybe\n", 4, "'sbom.no-sbom' takes true or false"),
        ("tag:\n  env-tag: [a, b]\n", 2, "'tag.env-tag' takes one value, not a list"),
        ("tag:\n  template:\n    - {sha8}\n", 3, "'tag.template' takes a list of single values"),
        ("image:\n  platform: linux\n", 2, "'image.platform': --platform takes os/arch"),
        ("repository:\n  tag-mutability: SOMETIMES\n", 2, "'repository.tag-mutability': The value 'SOMETIMES' is invalid"),
        ("tag:\n  tag: x\n  tag: y\n", 2, "a key appears twice"),
        ("push: [1, 2]\n", 1, "section 'push' must be a mapping"),
        ("push:\n  jobs: 1\n  registry-endpoint: [\n", 4, "not valid YAML"),
    ])
    func badFilesAreUsageErrorsWithTheirLine(text: String, line: Int, message: String) throws {
        let workspace = try Workspace(text)
        let result = try workspace.run(["publish", "image.tar"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("error: .ecr-publish.yml:\(line): "), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func inGitHubActionsABadFileIsAnnotatedOnItsLine() throws {
        let workspace = try Workspace("push:\n  jobs: 4\n  chunk-size: huge\n")
        let result = try workspace.run(["publish", "image.tar"], environment: ["GITHUB_ACTIONS": "true"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("::error file=.ecr-publish.yml,line=3,title=ecr-publish::.ecr-publish.yml:3: 'push.chunk-size'"), "\(result.stderr)")
    }

    @Test func badVariablesAreUsageErrorsNamingTheVariable() throws {
        let workspace = try Workspace(nil)
        let flag = try workspace.run(["publish", "image.tar", "--repository", "team/x"], environment: ["ECR_PUBLISH_NO_PUSH": "perhaps"])
        #expect(flag.status == 2 && flag.stderr.contains("ECR_PUBLISH_NO_PUSH: takes true or false"), "\(flag.stderr)")
        let value = try workspace.run(["config", "show"], environment: ["ECR_PUBLISH_COMPRESSION_LEVEL": "high"])
        #expect(value.status == 2 && value.stderr.contains("ECR_PUBLISH_COMPRESSION_LEVEL: 'image.compression-level'"), "\(value.stderr)")
        let unknown = try workspace.run(["publish", Paths.fixtureImage("sample-docker-classic.tar"), "--repository", "team/x", "--no-push", "--output", "out"],
                                        environment: ["ECR_PUBLISH_SIGN_KEY_TYPO": "x"])
        #expect(unknown.status == 0 && unknown.stderr.contains("warning: ECR_PUBLISH_SIGN_KEY_TYPO is set, but publish has no such setting"), "\(unknown.stderr)")
        let missing = try workspace.run(["config", "show", "--config", "absent.yml"])
        #expect(missing.status == 2 && missing.stderr.contains("absent.yml: no such file"), "\(missing.stderr)")
    }

    @Test func configShowMasksSecrets() throws {
        let secret = "pw-" + UUID().uuidString
        let workspace = try Workspace("gitops:\n  repo: https://bot:\(secret)@git.example.com/org/deploy.git\n")
        let text = try workspace.run(["config", "show"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("https://bot:***@git.example.com/org/deploy.git  (file "), "\(text.stdout)")
        let json = try workspace.run(["config", "show", "--json"])
        #expect(!text.stdout.contains(secret) && !json.stdout.contains(secret) && !json.stderr.contains(secret))
    }

    @Test func theShippedSchemaIsTheCommandsAndTheREADMEExampleIsValidAgainstIt() throws {
        let schemaPath = Paths.repositoryRoot + "/schemas/ecr-publish-config.schema.json"
        let generated = try Tool.check(Paths.executable, ["config", "schema"])
        #expect(generated.stdoutData == FileManager.default.contents(atPath: schemaPath),
                "regenerate with: ecr-publish config schema > schemas/ecr-publish-config.schema.json")
        try Tool.check("check-jsonschema", ["--check-metaschema", schemaPath])

        let readme = try String(contentsOfFile: Paths.repositoryRoot + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- config-example -->\n```yaml\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let workspace = try Workspace(String(readme[start.upperBound..<end.lowerBound]))
        let example = workspace.directory.file(".ecr-publish.yml")
        let valid = try Tool.run("check-jsonschema", ["--schemafile", schemaPath, example])
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        let shown = try workspace.show()
        #expect(shown["gitops.repo"]?.values == ["https://github.com/example/deploy.git"], "the tool reads the example as the schema does")

        // The schema is strict as the tool is: a misspelt key fails both.
        try workspace.write("bad.yml", "gitops:\n  repository: x\n")
        #expect(try Tool.run("check-jsonschema", ["--schemafile", schemaPath, workspace.directory.file("bad.yml")]).status == 1)
        #expect(try workspace.run(["config", "show", "--config", "bad.yml"]).status == 2)
    }
}
