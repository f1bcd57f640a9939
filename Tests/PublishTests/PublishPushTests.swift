import Foundation
import OCI
import Testing
import TestSupport

/// `publish` pushing to a registry, end to end through the executable: ECR's credentials from
/// moto (signature checks on), the registry a real distribution 2.8 with TLS whose htpasswd
/// holds moto's token, and skopeo reading back what was pushed.
@Suite(.serialized) struct PublishPushTests {
    static let world = Result(catching: { () throws -> (moto: MotoServer, registry: RegistryServer) in
        let moto = try MotoServer()
        let registry = try RegistryServer(tls: true)
        SecretLedger.record(registry.password)
        SecretLedger.record(Data("AWS:\(registry.password)".utf8).base64EncodedString())
        return (moto, registry)
    })

    /// The name ECR's token gives the registry (moto's `proxyEndpoint`).
    static let ecrRegistry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"

    /// `publish IMAGE --repository REPOSITORY` to the test registry, plus `extra`.
    static func push(_ image: String, repository: String, _ extra: [String] = [],
                     registry: RegistryServer? = nil, endpoint: String? = nil, environment: [String: String] = [:]) throws -> ToolResult {
        let world = try world.get()
        let registry = registry ?? world.registry
        let home = try TemporaryDirectory("push-home")
        let arguments = ["publish", image, "--repository", repository, "--create-repository",
                         "--registry-endpoint", endpoint ?? registry.baseURL, "--ca-file", registry.caFile] + extra
        let result = try Tool.run(Paths.executable, arguments, environment: world.moto.environment(home: home.path, extra: environment),
                                  replacingEnvironment: true)
        SecretScan.check(result, against: [registry.password, Data("AWS:\(registry.password)".utf8).base64EncodedString(),
                                           world.moto.secretAccessKey])
        return result
    }

    /// The top-level digest `--no-push` computes for the same input.
    static func localDigest(_ image: String, _ extra: [String] = []) throws -> String {
        let output = try TemporaryDirectory("push-local")
        let result = try CLI.publishLocally(image, output: output.path, ["--json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return try report(result)["manifest"].flatMap { ($0 as? [String: Any])?["digest"] as? String } ?? ""
    }

    static func report(_ result: ToolResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
    }

    /// The digest of the manifest skopeo reads for `reference` (sha256 of the raw bytes).
    static func skopeoDigest(_ reference: String, registry: RegistryServer? = nil) throws -> String {
        let registry = try registry ?? world.get().registry
        let raw = try Tool.check("skopeo", ["inspect", "--raw"] + registry.skopeoInspectOptions + [registry.dockerReference(reference)])
        return "sha256:" + (try Tool.run("bash", ["-c", "sha256sum | cut -d' ' -f1"], stdin: raw.stdout).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func everyTagGivesTheDigestOfTheLocalRunAndSkopeoPullsIt() throws {
        let world = try Self.world.get()
        let image = Paths.fixtureImage("sample-docker-classic.tar")
        let expected = try Self.localDigest(image)
        let result = try Self.push(image, repository: "team/app", ["--tag", "v1.2.3", "--tag", "latest", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.report(result)
        let push = try #require(report["push"] as? [String: Any])
        #expect(push["image"] as? String == "\(Self.ecrRegistry)/team/app@\(expected)", "the image keeps its ECR name")
        #expect(push["blobsUploaded"] as? Int == 4, "three layers and the config")
        #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("uploaded  sha256:") }.count == 4, "a line per blob: \(result.stderr)")
        #expect(report["pushed"] as? Bool == true)
        for tag in ["v1.2.3", "latest"] {
            #expect(try Self.skopeoDigest("team/app:\(tag)") == expected, "\(tag)")
        }
        let copy = try TemporaryDirectory("push-copy")
        try Tool.check("skopeo", ["copy", "-q"] + world.registry.skopeoSourceOptions
            + [world.registry.dockerReference("team/app:v1.2.3"), "oci:\(copy.path)/image:x"])
        #expect(try CLI.skopeoDiffIDs("oci:\(copy.path)/image:x") == CLI.skopeoDiffIDs("docker-archive:" + image))
    }

    @Test func aRepeatedPushUploadsNoBlobAndFindsItsTags() throws {
        let image = Paths.fixtureImage("sample-oci-archive.tar")
        let first = try Self.push(image, repository: "team/again", ["--tag", "1.0", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let again = try Self.push(image, repository: "team/again", ["--tag", "1.0", "--tag", "1", "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let push = try #require(try Self.report(again)["push"] as? [String: Any])
        #expect(push["blobsUploaded"] as? Int == 0)
        #expect(!again.stderr.contains("uploaded  ") && again.stderr.contains("exists    sha256:"))
        #expect((push["blobsSkipped"] as? Int ?? 0) > 0)
        let tags = try #require(push["tags"] as? [[String: String]])
        #expect(tags == [["tag": "1.0", "outcome": "already-there"], ["tag": "1", "outcome": "written"]])
    }

    @Test func multiPlatformInputArrivesAsAnIndexWhoseChildrenSkopeoPulls() throws {
        let world = try Self.world.get()
        let image = Paths.fixtureImage("multi-arch-oci.tar")
        let expected = try Self.localDigest(image)
        let output = try TemporaryDirectory("push-layout")
        let result = try Self.push(image, repository: "team/multi", ["--tag", "multi", "--output", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.skopeoDigest("team/multi:multi") == expected)
        let raw = try Tool.check("skopeo", ["inspect", "--raw"] + world.registry.skopeoInspectOptions
            + [world.registry.dockerReference("team/multi:multi")])
        #expect(raw.stdout.contains(MediaType.ociIndex))
        let copy = try TemporaryDirectory("push-multi-copy")
        try Tool.check("skopeo", ["copy", "-q", "--all"] + world.registry.skopeoSourceOptions
            + [world.registry.dockerReference("team/multi:multi"), "oci:\(copy.path)/image:x"])
        // --output with a push writes the layout as well, the same image.
        let layout = try Tool.check("skopeo", ["inspect", "--raw", "oci:\(output.path)/image"])
        #expect(layout.stdoutData == raw.stdoutData)
    }

    @Test func aSinglePlatformImageIsOneManifestNeverAnIndex() throws {
        let world = try Self.world.get()
        let result = try Self.push(Paths.fixtureImage("sample-docker-oci.tar"), repository: "team/single", ["--tag", "one"])
        #expect(result.status == 0, "\(result.stderr)")
        let raw = try Tool.check("skopeo", ["inspect", "--raw"] + world.registry.skopeoInspectOptions
            + [world.registry.dockerReference("team/single:one")])
        #expect(raw.stdout.contains(MediaType.ociManifest))
        #expect(!raw.stdout.contains(MediaType.ociIndex))
    }

    @Test func aRegistryRefusingTheTokenExitsWithFour() throws {
        let refusing = try RegistryServer(tls: true, password: "another-password")
        let result = try Self.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/refused", ["--tag", "x"],
                                   registry: refusing)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("refused the credentials"))
    }

    @Test func anUnreachableRegistryExitsWithFive() throws {
        let port = try FreePort.pick()
        let result = try Self.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/unreachable", ["--tag", "x"],
                                   endpoint: "https://127.0.0.1:\(port)")
        #expect(result.status == 5, "\(result.stderr)")
    }
}

extension PublishPushTests {
    /// Through a proxy that answers as ECR's registry does (parts ≥ 5 MiB, 201 to a part, a
    /// stale Range, 429 and 500 now and then, a reset mid-part, TAG_INVALID on an existing
    /// tag): the push completes with the right digest and no tag moves that may not.
    @Test func throughAnECRLikeRegistryTheImageArrivesWholeAndImmutableTagsHold() throws {
        let world = try Self.world.get()
        let directory = try TemporaryDirectory("ecr-like")
        // A layer of 12 MiB of random bytes: gzip cannot shrink it under the part size.
        try FileManager.default.createDirectory(atPath: directory.file("layer"), withIntermediateDirectories: true)
        try Tool.check("head", ["-c", String(12 << 20), "/dev/urandom"]).stdoutData
            .write(to: URL(fileURLWithPath: directory.file("layer/random.bin")))
        let image = directory.file("big.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "image", "--layout", "docker-classic",
                                   "--layer", directory.file("layer"), "--tag", "big:1", "--out", image])
        let expected = try Self.localDigest(image)
        let (proxy, log) = try world.registry.ecrProxy([
            "--ecr-immutable", "--ecr-throttle-every", "6", "--ecr-error-every", "13", "--ecr-reset-patch", "2",
        ])
        let endpoint = "https://127.0.0.1:\(proxy.port)"
        let first = try Self.push(image, repository: "team/immutable", ["--tag", "1.0.0", "--chunk-size", "5"], endpoint: endpoint)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Self.skopeoDigest("team/immutable:1.0.0") == expected)
        let statuses = try String(contentsOfFile: log, encoding: .utf8)
        #expect(statuses.contains(#""method": "PATCH""#) && statuses.contains(#""status": 429"#), "faults were injected")

        // The same image again under the same tag: already there, which is success.
        let again = try Self.push(image, repository: "team/immutable", ["--tag", "1.0.0", "--json"], endpoint: endpoint)
        #expect(again.status == 0, "\(again.stderr)")
        let tags = try #require((try Self.report(again)["push"] as? [String: Any])?["tags"] as? [[String: String]])
        #expect(tags == [["tag": "1.0.0", "outcome": "already-there"]])

        // Another image under that tag: refused by the registry, exit 6, the tag unmoved.
        let other = try Self.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/immutable", ["--tag", "1.0.0"],
                                  endpoint: endpoint)
        #expect(other.status == 6, "\(other.stderr)")
        #expect(other.stderr.contains("1.0.0"))
        #expect(try Self.skopeoDigest("team/immutable:1.0.0") == expected)
    }
}

extension PublishPushTests {
    static func github(_ variables: [String: String]) -> [String: String] {
        ["GITHUB_ACTIONS": "true", "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567", "GITHUB_RUN_NUMBER": "1",
         "SOURCE_DATE_EPOCH": "1700000000", "GITHUB_EVENT_NAME": "push"].merging(variables) { $1 }
    }

    static func tagResults(_ result: ToolResult) throws -> [String: String] {
        let push = try #require(try report(result)["push"] as? [String: Any])
        let tags = try #require(push["tags"] as? [[String: String]])
        return Dictionary(uniqueKeysWithValues: tags.map { ($0["tag"] ?? "", $0["outcome"] ?? "") })
    }

    @Test func anImmutableRepositoryKeepsItsTagsAndExclusionsMove() throws {
        let main = Self.github(["GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main", "GITHUB_REF_TYPE": "branch"])
        let scheme = ["--tag-scheme", "team", "--env-tag", "staging", "--json",
                      "--tag-mutability", "IMMUTABLE_WITH_EXCLUSION", "--mutability-exclusion", "*-latest"]
        let primary = "01234567-20231114221320"
        let imageA = Paths.fixtureImage("sample-docker-classic.tar"), imageB = Paths.fixtureImage("sample-oci-archive.tar")
        let digestA = try Self.localDigest(imageA)
        let first = try Self.push(imageA, repository: "team/locked", scheme, environment: main)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Self.tagResults(first) == [primary: "written", "main-01234567": "written", "main-latest": "written", "staging": "written"])

        // Another image of the same build context: the primary tag is taken; nothing moves.
        let conflict = try Self.push(imageB, repository: "team/locked", scheme, environment: main)
        #expect(conflict.status == 6, "\(conflict.stderr)")
        #expect(conflict.stderr.contains(primary) && conflict.stderr.contains("--on-tag-conflict"))
        for tag in [primary, "main-latest", "staging"] {
            #expect(try Self.skopeoDigest("team/locked:\(tag)") == digestA, "\(tag)")
        }

        // Told to skip: the excluded rolling tag moves, the others are held back and said so.
        let skipped = try Self.push(imageB, repository: "team/locked", scheme + ["--on-tag-conflict", "skip"], environment: main)
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(try Self.tagResults(skipped) == [primary: "held-back", "main-01234567": "held-back", "main-latest": "written", "staging": "held-back"])
        #expect(try Self.skopeoDigest("team/locked:main-latest") == Self.localDigest(imageB))
        #expect(try Self.skopeoDigest("team/locked:staging") == digestA)
        let text = try Self.push(imageB, repository: "team/locked", ["--tag-scheme", "team", "--env-tag", "staging", "--on-tag-conflict", "skip"],
                                 environment: main)
        #expect(text.stdout.contains("warning   tag staging held back") && text.stdout.contains("IMMUTABLE_WITH_EXCLUSION"), "\(text.stdout)")
    }

    @Test func rollingVersionTagsMoveOnlyForward() throws {
        let release = { (version: String) in
            Self.github(["GITHUB_REF": "refs/tags/\(version)", "GITHUB_REF_NAME": version, "GITHUB_REF_TYPE": "tag"])
        }
        let imageA = Paths.fixtureImage("sample-docker-classic.tar"), imageB = Paths.fixtureImage("sample-oci-archive.tar")
        let first = try Self.push(imageA, repository: "team/versions", ["--tag-scheme", "team", "--json"], environment: release("v1.5.0"))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Self.tagResults(first) == ["01234567-20231114221320": "written", "v1.5.0": "written", "1.5": "written", "1": "written", "latest": "written"])

        // A hotfix of the older line: its own line moves, latest and 1 stay with 1.5.0.
        let hotfix = try Self.push(imageB, repository: "team/versions", ["--tag-scheme", "team", "--json"], environment: release("v1.4.3"))
        #expect(hotfix.status == 0, "\(hotfix.stderr)")
        let results = try Self.tagResults(hotfix)
        #expect(results["v1.4.3"] == "written" && results["1.4"] == "written")
        #expect(results["1"] == "held-back" && results["latest"] == "held-back")
        #expect(try Self.skopeoDigest("team/versions:latest") == Self.localDigest(imageA))

        let forced = try Self.push(imageB, repository: "team/versions", ["--tag-scheme", "team", "--json", "--force-rolling-tags"],
                                   environment: release("v1.4.3"))
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try Self.skopeoDigest("team/versions:latest") == Self.localDigest(imageB))
    }
}

extension PublishPushTests {
    /// The pass announces each committed blob: it is uploaded while the tarball is still
    /// being read, and (with no layout asked for) removed from the spool once uploaded. The
    /// tarball comes through a pipe that stops after the first layer until the registry has
    /// that layer: a push that waited for the whole pass would hang here.
    @Test func blobsGoUpWhileTheTarballIsStillBeingReadAndLeaveTheSpool() throws {
        let world = try Self.world.get()
        let (proxy, log) = try world.registry.ecrProxy()
        let temporary = try TemporaryDirectory("overlap-tmp")
        let home = try TemporaryDirectory("overlap-home")
        let image = Paths.fixtureImage("sample-docker-classic.tar")
        // The first layer member of the fixture ends at byte 20480.
        let script = """
            exec 3> "$TMPDIR/marks"
            { head -c 20480 "$1"
              for i in $(seq 150); do grep -q '"method": "PUT".*"status": 201' "$2" 2>/dev/null && break; sleep 0.1; done
              grep -c '"method": "PUT"' "$2" >&3
              find "$TMPDIR" -path '*/blobs/sha256/*' -type f | wc -l >&3
              tail -c +20481 "$1"; } | "$3" publish - --repository team/overlap --create-repository --tag x \
                --registry-endpoint "$4" --ca-file "$5"
            """
        let result = try Tool.run("bash", ["-c", script, "bash", image, log, Paths.executable,
                                           "https://127.0.0.1:\(proxy.port)", world.registry.caFile],
                                  environment: world.moto.environment(home: home.path, extra: ["TMPDIR": temporary.path]),
                                  replacingEnvironment: true)
        #expect(result.status == 0, "\(result.stderr)")
        let marks = try String(contentsOfFile: temporary.file("marks"), encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(marks.first == "1", "the first layer was uploaded while the pipe held the rest back: \(marks)")
        #expect(marks.dropFirst().first == "0", "and it left the spool: \(marks)")
        #expect(try Self.skopeoDigest("team/overlap:x") == Self.localDigest(image))
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path) == ["marks"], "the spool is removed at the end")
    }
}

/// A registry that is not ECR (`--registry` names another host): credentials from Docker's
/// config file or its credential helper, no AWS call (no AWS variables are set at all).
extension PublishPushTests {
    static let otherRegistry = "registry.example.test"

    /// `publish` to `registry` under the name ``otherRegistry``, with HOME (and its
    /// `.docker/config.json`) from `home` and `PATH` starting with `path`.
    static func pushElsewhere(_ registry: RegistryServer, home: TemporaryDirectory, path: String? = nil, _ extra: [String] = []) throws -> ToolResult {
        var environment = AWSTestEnvironment.clean(home: home.path)
        environment["DOCKER_CONFIG"] = nil
        if let path { environment["PATH"] = path + ":" + (environment["PATH"] ?? "/usr/bin:/bin") }
        let result = try Tool.run(Paths.executable, [
            "publish", Paths.fixtureImage("sample-docker-oci.tar"), "--repository", "team/elsewhere", "--registry", otherRegistry,
            "--registry-endpoint", registry.baseURL, "--ca-file", registry.caFile, "--tag", "1", "--json",
        ] + extra, environment: environment, replacingEnvironment: true)
        SecretScan.check(result, against: [registry.password, Data("\(registry.username):\(registry.password)".utf8).base64EncodedString()])
        return result
    }

    static func writeDockerConfig(_ home: TemporaryDirectory, _ json: String) throws {
        try FileManager.default.createDirectory(atPath: home.file(".docker"), withIntermediateDirectories: true)
        try json.write(toFile: home.file(".docker/config.json"), atomically: true, encoding: .utf8)
    }

    @Test func anotherRegistryTakesTheDockerConfigsCredentials() throws {
        let registry = try RegistryServer(tls: true, password: "not-an-ecr-token")
        let home = try TemporaryDirectory("docker-home")
        let auth = Data("\(registry.username):\(registry.password)".utf8).base64EncodedString()
        try Self.writeDockerConfig(home, #"{"auths": {"https://\#(Self.otherRegistry)/v1/": {"auth": "\#(auth)"}}}"#)
        let result = try Self.pushElsewhere(registry, home: home)
        #expect(result.status == 0, "\(result.stderr)")
        let push = try #require(try Self.report(result)["push"] as? [String: Any])
        let expected = try Self.localDigest(Paths.fixtureImage("sample-docker-oci.tar"))
        #expect(push["image"] as? String == "\(Self.otherRegistry)/team/elsewhere@\(expected)")
        #expect(try Self.skopeoDigest("team/elsewhere:1", registry: registry) == expected)
    }

    @Test func anotherRegistryTakesACredentialHelpersAnswer() throws {
        let registry = try RegistryServer(tls: true, password: "helper-secret")
        let home = try TemporaryDirectory("docker-helper-home")
        let bin = try TemporaryDirectory("docker-helper-bin")
        // The helper records what it was asked and answers only for that server.
        let helper = bin.file("docker-credential-testing")
        try """
            #!/bin/sh
            [ "$1" = get ] || exit 2
            server=$(cat)
            printf '%s' "$server" > "\(bin.file("asked"))"
            if [ "$server" = "\(Self.otherRegistry)" ]; then
              printf '{"ServerURL":"%s","Username":"\(registry.username)","Secret":"\(registry.password)"}' "$server"
            else
              echo "credentials not found in native keychain"; exit 1
            fi
            """.write(toFile: helper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper)
        try Self.writeDockerConfig(home, #"{"auths": {}, "credHelpers": {"\#(Self.otherRegistry)": "testing"}}"#)
        let result = try Self.pushElsewhere(registry, home: home, path: bin.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: bin.file("asked"), encoding: .utf8) == Self.otherRegistry)
        #expect(try Self.skopeoDigest("team/elsewhere:1", registry: registry) == Self.localDigest(Paths.fixtureImage("sample-docker-oci.tar")))

        // A helper that prints something else is an authentication failure that says which.
        try "#!/bin/sh\necho 'this is not json'\n".write(toFile: helper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper)
        let broken = try Self.pushElsewhere(registry, home: home, path: bin.path)
        #expect(broken.status == 4, "\(broken.stderr)")
        #expect(broken.stderr.contains("docker-credential-testing get printed no"), "\(broken.stderr)")
    }

    @Test func anotherRegistryWithoutCredentialsIsAnAuthenticationFailure() throws {
        let registry = try RegistryServer(tls: true, password: "unknown-to-the-tool")
        let home = try TemporaryDirectory("docker-empty-home")
        let result = try Self.pushElsewhere(registry, home: home)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("refused the credentials"), "\(result.stderr)")
    }
}
