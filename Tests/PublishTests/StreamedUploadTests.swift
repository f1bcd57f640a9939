import Foundation
import Testing
import TestSupport

/// A new layer larger than one part goes up while it is compressed (its diffID is known from
/// its name and the registry has no blob for it, or nothing at all is known to be there, as
/// on a runner's first push); the closing PUT names the digest the pass computed, and a
/// stream that breaks leaves the blob to the usual upload.
extension PublishPushTests {
    /// A tarball (Docker 25+ unless `layout` says otherwise) with one layer of `mebibytes` MiB of random bytes.
    static func bigNewLayerImage(_ directory: TemporaryDirectory, mebibytes: Int, seed: String, layout: String = "docker-oci") throws -> String {
        try FileManager.default.createDirectory(atPath: directory.file("layer"), withIntermediateDirectories: true)
        try Tool.check("bash", ["-c", "openssl enc -aes-256-ctr -pass pass:\(seed) -nosalt -pbkdf2 < /dev/zero 2>/dev/null | head -c \(mebibytes << 20) > \(directory.file("layer/random.bin"))"])
        let image = directory.file("big.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "image", "--layout", layout,
                                   "--layer", directory.file("layer"), "--tag", "big:1", "--out", image])
        return image
    }

    @Test(arguments: ["docker-oci", "docker-classic"])
    func aBigNewLayerIsUploadedWhileItIsCompressed(layout: String) throws {
        let registry = try RegistryServer(tls: true, accessLog: true)
        let directory = try TemporaryDirectory("streamed")
        let image = try Self.bigNewLayerImage(directory, mebibytes: 20, seed: "streamed", layout: layout)
        let expected = try Self.localDigest(image)
        let result = try Self.push(image, repository: "team/streamed", ["--tag", "1", "--json", "--cache-dir", directory.file("cache")],
                                   registry: registry)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("streamed while compressed"), "\(result.stderr)")
        #expect(try Self.skopeoDigest("team/streamed:1", registry: registry) == expected)
        let patches = registry.requests.filter { $0.method == "PATCH" && $0.uri.contains("/v2/team/streamed/blobs/uploads/") }
        #expect(patches.count >= 3, "20 MiB of random data in parts of 8 MiB: \(patches.count)")
    }

    @Test func aStreamThroughAnECRLikeRegistryThatBreaksStillEndsWithTheRightBlob() throws {
        let world = try Self.world.get()
        let directory = try TemporaryDirectory("streamed-faults")
        let image = try Self.bigNewLayerImage(directory, mebibytes: 24, seed: "faults")
        let expected = try Self.localDigest(image)
        let (proxy, log) = try world.registry.ecrProxy(["--ecr-throttle-every", "5", "--ecr-error-every", "7", "--ecr-reset-patch", "2"])
        let result = try Self.push(image, repository: "team/streamed-faults", ["--tag", "1", "--cache-dir", directory.file("cache")],
                                   endpoint: "https://127.0.0.1:\(proxy.port)")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.skopeoDigest("team/streamed-faults:1") == expected)
        let statuses = try String(contentsOfFile: log, encoding: .utf8)
        #expect(statuses.contains(#""method": "PATCH""#), "parts went through the proxy")
        // The proxy resets the second PATCH, a part of the stream: the usual upload took over.
        #expect(!result.stderr.contains("streamed while compressed"), "\(result.stderr)")
    }

    /// A classic tarball names no layer by its diffID: with a previous image in the repository
    /// the layer may be one the registry has, so its upload waits for the digest (and skips).
    @Test func anUnannouncedLayerWaitsWhenTheRepositoryHasAPreviousImage() throws {
        let registry = try RegistryServer(tls: true, accessLog: true)
        let directory = try TemporaryDirectory("streamed-classic")
        let image = try Self.bigNewLayerImage(directory, mebibytes: 20, seed: "classic", layout: "docker-classic")
        let first = try Self.push(image, repository: "team/classic", ["--tag", "latest", "--cache-dir", directory.file("cache-1")], registry: registry)
        #expect(first.status == 0 && first.stderr.contains("streamed while compressed"), "\(first.stderr)")
        let again = try Self.push(image, repository: "team/classic", ["--tag", "latest", "--cache-dir", directory.file("cache-2")],
                                  registry: registry)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("streamed while compressed"), "\(again.stderr)")
        #expect(again.stderr.contains("exists "), "the layer's blob was found, not uploaded again: \(again.stderr)")
    }

    /// Past --spool-limit, the parts the registry has taken are freed from the spool (a layer
    /// of many gigabytes needs about the limit in temporary disk); the blob still arrives whole.
    @Test func aStreamPastTheSpoolLimitFreesThePartsTheRegistryTook() throws {
        let registry = try RegistryServer(tls: true)
        let directory = try TemporaryDirectory("streamed-freed")
        let image = try Self.bigNewLayerImage(directory, mebibytes: 24, seed: "freed")
        let expected = try Self.localDigest(image)
        let result = try Self.push(image, repository: "team/freed", ["--tag", "1", "--chunk-size", "5", "--spool-limit", "5",
                                                                     "--cache-dir", directory.file("cache")], registry: registry)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("of its spool freed as the registry took them"), "\(result.stderr)")
        #expect(try Self.skopeoDigest("team/freed:1", registry: registry) == expected)
    }

    /// A stream that breaks once parts are freed cannot start over from the spool: the push
    /// fails with the network status, says what to do, and tags nothing.
    @Test func aStreamThatBreaksAfterFreeingFailsThePushAndTagsNothing() throws {
        let world = try Self.world.get()
        let directory = try TemporaryDirectory("streamed-freed-broken")
        let image = try Self.bigNewLayerImage(directory, mebibytes: 24, seed: "freed-broken")
        let (proxy, _) = try world.registry.ecrProxy(["--ecr-reset-patch", "2"])
        let result = try Self.push(image, repository: "team/freed-broken", ["--tag", "1", "--chunk-size", "5", "--spool-limit", "0",
                                                                            "--cache-dir", directory.file("cache")],
                                   endpoint: "https://127.0.0.1:\(proxy.port)")
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stderr.contains("freed to save disk") && result.stderr.contains("--spool-limit"), "\(result.stderr)")
        #expect(try Tool.run("skopeo", ["inspect", "--raw"] + world.registry.skopeoInspectOptions
            + [world.registry.dockerReference("team/freed-broken:1")]).status != 0, "no tag")
    }

    /// The pass starts before the signing key is open and the repository step is through, but
    /// no write does: with a wrong passphrase, or a repository that does not exist without
    /// --create-repository, the run ends with that error (exit 2) and the registry sees no
    /// write at all, although the new layer would have streamed.
    @Test(arguments: ["wrong passphrase", "missing repository"])
    func noWriteComesBeforeTheKeyAndTheRepositoryStep(failure: String) throws {
        let world = try Self.world.get()
        let registry = try RegistryServer(tls: true, accessLog: true)
        let directory = try TemporaryDirectory("gated")
        let image = try Self.bigNewLayerImage(directory, mebibytes: 24, seed: "gated")
        var arguments = ["publish", image, "--repository", "team/gated", "--registry-endpoint", registry.baseURL, "--ca-file", registry.caFile,
                         "--tag", "1", "--cache-dir", directory.file("cache")]
        var environment: [String: String] = [:]
        if failure == "wrong passphrase" {
            // scrypt at N=131072 (go-securesystemslib's largest set): the key takes long enough to
            // open that the new layer's first part is compressed and would stream meanwhile.
            try Tool.check("python3", [Paths.repositoryRoot + "/Tests/Crypto/independent.py", "make-cosign-key",
                                       directory.file("cosign.key"), directory.file("cosign.pub"), "131072"],
                           environment: ["COSIGN_PASSWORD": "right"])
            arguments += ["--create-repository", "--sign-key", directory.file("cosign.key")]
            environment["COSIGN_PASSWORD"] = "wrong"
        }
        let home = try TemporaryDirectory("gated-home")
        let result = try Tool.run(Paths.executable, arguments, environment: world.moto.environment(home: home.path, extra: environment),
                                  replacingEnvironment: true)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(failure == "wrong passphrase" ? "passphrase" : "--create-repository"), "\(result.stderr)")
        let writes = registry.requests.filter { ["POST", "PUT", "PATCH", "DELETE"].contains($0.method) }
        #expect(writes.isEmpty, "\(writes)")
    }

    /// A tarball cut off inside a layer that is streaming, with the compressor waiting for the
    /// upload (--spool-limit 0): the run ends promptly with the input's error, tags nothing,
    /// and leaves no process behind (the test harness checks servers and children).
    @Test func aTarballCutOffWhileItsLayerStreamsEndsWithTheInputsError() throws {
        let registry = try RegistryServer(tls: true)
        let directory = try TemporaryDirectory("streamed-cut")
        let image = try Self.bigNewLayerImage(directory, mebibytes: 40, seed: "cut")
        let cut = directory.file("cut.tar")
        let whole = try Data(contentsOf: URL(fileURLWithPath: image))
        try whole.prefix(30 << 20).write(to: URL(fileURLWithPath: cut))
        let result = try Self.push(cut, repository: "team/cut", ["--tag", "1", "--chunk-size", "5", "--spool-limit", "0",
                                                                 "--cache-dir", directory.file("cache")], registry: registry)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("truncated"), "\(result.stderr)")
        #expect(try Tool.run("skopeo", ["inspect", "--raw"] + registry.skopeoInspectOptions + [registry.dockerReference("team/cut:1")]).status != 0)
    }
}
