import Foundation
import Testing
import TestSupport

/// A repeat push of the same build: nothing uploaded, nothing compressed, the same digest.
/// The registry is a real distribution 2.8 (TLS, htpasswd of moto's token) whose own access
/// log says which requests arrived; skopeo reads back what was pushed.
@Suite(.serialized) struct RepeatPushTests {
    /// `publish --json` to `registry`, with `--cache-dir cache` when given.
    static func publish(
        _ image: String, repository: String, tags: [String], cache: String?, registry: RegistryServer, _ extra: [String] = []
    ) throws -> (result: ToolResult, push: [String: Any]) {
        let cacheArguments = cache.map { ["--cache-dir", $0] } ?? []
        let result = try PublishPushTests.push(
            image, repository: repository, tags.flatMap { ["--tag", $0] } + cacheArguments + ["--json"] + extra, registry: registry)
        #expect(result.status == 0, "\(result.stderr)")
        let push = try #require(try PublishPushTests.report(result)["push"] as? [String: Any], "\(result.stdout)")
        return (result, push)
    }

    /// Requests of the access log after the first `skip` that upload a blob (start a
    /// session, send a part, or close one).
    static func uploads(_ registry: RegistryServer, after skip: Int) -> [String] {
        registry.requests.dropFirst(skip)
            .filter { ["POST", "PATCH", "PUT"].contains($0.method) && $0.uri.contains("/blobs/uploads/") }
            .map { "\($0.method) \($0.uri)" }
    }

    /// A registry of its own holding `fixture` as `repository:1`, pushed with a cache of its
    /// own; the image path and the digest skopeo reads for the tag.
    static func pushedOnce(_ fixture: String, repository: String) throws -> (registry: RegistryServer, cache: TemporaryDirectory, image: String, digest: String) {
        let registry = try RegistryServer(tls: true)
        let cache = try TemporaryDirectory("blob-cache")
        let image = Paths.fixtureImage(fixture)
        _ = try publish(image, repository: repository, tags: ["1"], cache: cache.path, registry: registry)
        return (registry, cache, image, try PublishPushTests.skopeoDigest("\(repository):1", registry: registry))
    }

    static func layerActions(_ result: ToolResult) throws -> [String] {
        let report = try PublishPushTests.report(result)
        let images = try #require(report["images"] as? [[String: Any]])
        return images.flatMap { ($0["layers"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String } }
    }

    @Test(arguments: ["sample-docker-oci.tar", "sample-docker-classic.tar"])
    func aRepeatWithTheSameCacheUploadsAndCompressesNothing(fixture: String) throws {
        let registry = try RegistryServer(tls: true, accessLog: true)
        let cache = try TemporaryDirectory("blob-cache")
        let image = Paths.fixtureImage(fixture)
        let first = try Self.publish(image, repository: "team/same", tags: ["1"], cache: cache.path, registry: registry)
        #expect(first.push["layersCompressed"] as? Int == 3)
        let firstDigest = try PublishPushTests.skopeoDigest("team/same:1", registry: registry)
        let before = registry.requests.count
        #expect(Self.uploads(registry, after: 0).count >= 4, "the access log shows the first run's uploads")

        // A tag the registry has not seen: only the local cache knows the layers.
        let again = try Self.publish(image, repository: "team/same", tags: ["2"], cache: cache.path, registry: registry)
        #expect(again.push["layersCompressed"] as? Int == 0, "\(again.result.stderr)")
        #expect(again.push["layersReused"] as? Int == 3)
        #expect(again.push["blobsUploaded"] as? Int == 0)
        #expect(try Self.layerActions(again.result) == ["reused", "reused", "reused"])
        #expect(Self.uploads(registry, after: before) == [], "the registry saw no upload")
        #expect(try PublishPushTests.skopeoDigest("team/same:2", registry: registry) == firstDigest)
        #expect(again.push["image"] as? String == "\(PublishPushTests.ecrRegistry)/team/same@\(firstDigest)")
    }

    @Test func onAnEmptyRunnerTheRegistrysPreviousImageIsTheCache() throws {
        let registry = try RegistryServer(tls: true, accessLog: true)
        let image = Paths.fixtureImage("sample-docker-oci.tar")
        let first = try Self.publish(image, repository: "team/ci", tags: ["main-latest"], cache: try TemporaryDirectory("cache-a").path,
                                     registry: registry)
        #expect(first.push["layersCompressed"] as? Int == 3)
        #expect(Self.uploads(registry, after: 0).count >= 4, "the access log shows the first run's uploads")
        let firstDigest = try PublishPushTests.skopeoDigest("team/ci:main-latest", registry: registry)
        let before = registry.requests.count

        // A fresh cache directory, as on a new CI runner; the rolling tag names the previous image.
        let again = try Self.publish(image, repository: "team/ci", tags: ["abc-2", "main-latest"],
                                     cache: try TemporaryDirectory("cache-b").path, registry: registry)
        #expect(again.push["layersCompressed"] as? Int == 0, "\(again.result.stderr)")
        #expect(again.push["layersReused"] as? Int == 3)
        #expect(Self.uploads(registry, after: before) == [])
        #expect(try PublishPushTests.skopeoDigest("team/ci:abc-2", registry: registry) == firstDigest)
        let copy = try TemporaryDirectory("reuse-copy")
        try Tool.check("skopeo", ["copy", "-q"] + registry.skopeoSourceOptions
            + [registry.dockerReference("team/ci:abc-2"), "oci:\(copy.path)/image:x"])
        #expect(try CLI.skopeoDiffIDs("oci:\(copy.path)/image:x") == CLI.skopeoDiffIDs("docker-archive:" + image))
    }

    @Test func aWronglyRememberedClassicMemberIsReadAgainAndCompressed() throws {
        let (registry, cache, image, expected) = try Self.pushedOnce("sample-docker-classic.tar", repository: "team/wrong")
        // Swap what two remembered members hold: each now names the other's diffID, whose
        // blob the registry does have.
        let members = cache.path + "/layer-members-v1"
        let files = try FileManager.default.contentsOfDirectory(atPath: members).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count == 3)
        let a = try Data(contentsOf: URL(fileURLWithPath: members + "/" + files[0]))
        let b = try Data(contentsOf: URL(fileURLWithPath: members + "/" + files[1]))
        func swapped(_ data: Data, diffIDFrom other: Data) throws -> Data {
            var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let otherObject = try #require(try JSONSerialization.jsonObject(with: other) as? [String: Any])
            object["diffID"] = otherObject["diffID"]
            return try JSONSerialization.data(withJSONObject: object)
        }
        try swapped(a, diffIDFrom: b).write(to: URL(fileURLWithPath: members + "/" + files[0]))
        try swapped(b, diffIDFrom: a).write(to: URL(fileURLWithPath: members + "/" + files[1]))

        let again = try Self.publish(image, repository: "team/wrong", tags: ["2"], cache: cache.path, registry: registry)
        #expect(again.result.stderr.contains("is not the one an earlier run saw"), "\(again.result.stderr)")
        #expect(again.push["layersCompressed"] as? Int == 3)
        #expect(try PublishPushTests.skopeoDigest("team/wrong:2", registry: registry) == expected)
    }

    @Test func aCorruptCacheEntryIsIgnoredWithAWarning() throws {
        let (registry, cache, image, expected) = try Self.pushedOnce("sample-docker-oci.tar", repository: "team/corrupt")
        let entries = try #require(FileManager.default.enumerator(atPath: cache.path)?.allObjects as? [String])
            .filter { $0.hasPrefix("blob-info-v1/") && $0.hasSuffix(".json") }
        #expect(entries.count == 3)
        for entry in entries { try Data("{not json".utf8).write(to: URL(fileURLWithPath: cache.path + "/" + entry)) }

        let again = try Self.publish(image, repository: "team/corrupt", tags: ["2"], cache: cache.path, registry: registry)
        #expect(again.result.stderr.contains("ignored the blob-info cache entry"), "\(again.result.stderr)")
        #expect(again.push["layersCompressed"] as? Int == 3)
        #expect(try PublishPushTests.skopeoDigest("team/corrupt:2", registry: registry) == expected)
        // The run wrote good entries back: a third run reuses every layer.
        let third = try Self.publish(image, repository: "team/corrupt", tags: ["3"], cache: cache.path, registry: registry)
        #expect(third.push["layersReused"] as? Int == 3)
    }

    @Test func withALayoutReusedBlobsComeFromTheRegistryAndTheLayoutIsThePushedImage() throws {
        let (registry, cache, image, _) = try Self.pushedOnce("sample-docker-oci.tar", repository: "team/layout")
        let output = try TemporaryDirectory("reuse-layout")
        let again = try Self.publish(image, repository: "team/layout", tags: ["2"], cache: cache.path, registry: registry,
                                     ["--output", output.path])
        #expect(again.push["layersCompressed"] as? Int == 0, "\(again.result.stderr)")
        #expect(again.push["layersReused"] as? Int == 3)
        #expect(again.push["blobsUploaded"] as? Int == 0)
        let layout = try Tool.check("skopeo", ["inspect", "--raw", "oci:\(output.path)/image"])
        let pushed = try Tool.check("skopeo", ["inspect", "--raw"] + registry.skopeoInspectOptions + [registry.dockerReference("team/layout:2")])
        #expect(layout.stdoutData == pushed.stdoutData)
        // Every blob of the layout is whole: skopeo copies it out and reads the diffIDs.
        let copy = try TemporaryDirectory("reuse-layout-copy")
        try Tool.check("skopeo", ["copy", "-q", "oci:\(output.path)/image", "oci:\(copy.path)/image:x"])
        #expect(try CLI.skopeoDiffIDs("oci:\(copy.path)/image:x") == CLI.skopeoDiffIDs("docker-archive:" + image))
    }

    @Test func aBlobInAnotherRepositoryIsMountedNotUploaded() throws {
        let registry = try RegistryServer(tls: true, accessLog: true)
        let cache = try TemporaryDirectory("blob-cache-mount")
        let image = Paths.fixtureImage("sample-docker-oci.tar")
        let first = try Self.publish(image, repository: "team/source", tags: ["1"], cache: cache.path, registry: registry)
        let layerDigests = try #require(try PublishPushTests.report(first.result)["images"] as? [[String: Any]])
            .flatMap { ($0["layers"] as? [[String: Any]] ?? []).compactMap { $0["digest"] as? String } }
        #expect(layerDigests.count == 3)
        let before = registry.requests.count

        let other = try Self.publish(image, repository: "team/target", tags: ["1"], cache: cache.path, registry: registry)
        #expect(other.push["layersCompressed"] as? Int == 0, "\(other.result.stderr)")
        #expect(other.push["blobsMounted"] as? Int == 3)
        let requests = registry.requests.dropFirst(before)
        let mounts = requests.filter { $0.method == "POST" && $0.uri.contains("mount=") && $0.uri.contains("from=team/source") }
        #expect(mounts.count == 3, "\(requests.map { "\($0.method) \($0.uri)" })")
        for digest in layerDigests {
            #expect(!Self.uploads(registry, after: before).contains { $0.hasPrefix("PUT") && $0.contains(digest) }, "\(digest) was not uploaded")
        }
        #expect(try PublishPushTests.skopeoDigest("team/target:1", registry: registry)
            == PublishPushTests.skopeoDigest("team/source:1", registry: registry))
    }

    @Test func aMountTheRegistryAnswersWithAnUploadSessionFallsBackToCompressing() throws {
        let registry = try RegistryServer(tls: true, accessLog: true)
        let cache = try TemporaryDirectory("blob-cache-ghost")
        let image = Paths.fixtureImage("sample-docker-oci.tar")
        _ = try Self.publish(image, repository: "team/real", tags: ["1"], cache: cache.path, registry: registry)
        // The cache now says a repository that never held the blobs has them.
        let entries = try #require(FileManager.default.enumerator(atPath: cache.path)?.allObjects as? [String])
            .filter { $0.hasSuffix("/team+real.json") }
        #expect(entries.count == 3)
        for entry in entries {
            try FileManager.default.moveItem(atPath: cache.path + "/" + entry,
                                             toPath: cache.path + "/" + entry.replacingOccurrences(of: "team+real", with: "team+ghost"))
        }
        let before = registry.requests.count

        let result = try Self.publish(image, repository: "team/other", tags: ["1"], cache: cache.path, registry: registry)
        #expect(result.push["blobsMounted"] as? Int == 0)
        #expect(result.push["layersCompressed"] as? Int == 3, "\(result.result.stderr)")
        let requests = registry.requests.dropFirst(before)
        #expect(requests.filter { $0.method == "POST" && $0.uri.contains("from=team/ghost") }.count == 3)
        #expect(requests.filter { $0.method == "DELETE" && $0.uri.contains("/blobs/uploads/") }.count == 3, "the offered sessions were cancelled")
        #expect(try PublishPushTests.skopeoDigest("team/other:1", registry: registry)
            == PublishPushTests.skopeoDigest("team/real:1", registry: registry))
    }

    @Test func aReusedBlobKeepsTheRegistrysDigestAndThePushedDigestIsTheOneReported() throws {
        let registry = try RegistryServer(tls: true)
        let image = Paths.fixtureImage("sample-docker-oci.tar")
        // The registry's blobs were made at another level than this run would make them.
        _ = try Self.publish(image, repository: "team/level", tags: ["1"], cache: try TemporaryDirectory("cache-level-a").path,
                             registry: registry, ["--compression-level", "6"])
        let previous = try PublishPushTests.skopeoDigest("team/level:1", registry: registry)
        let local = try PublishPushTests.localDigest(image)
        #expect(previous != local, "level 6 and the default level give other blobs")

        let output = try TemporaryDirectory("reuse-level")
        let again = try Self.publish(image, repository: "team/level", tags: ["1", "2"], cache: try TemporaryDirectory("cache-level-b").path,
                                     registry: registry, ["--output", output.path])
        #expect(again.push["layersReused"] as? Int == 3, "\(again.result.stderr)")
        let reported = try #require((try PublishPushTests.report(again.result)["manifest"] as? [String: Any])?["digest"] as? String)
        #expect(reported == previous, "the manifest names the registry's blobs")
        #expect(again.push["image"] as? String == "\(PublishPushTests.ecrRegistry)/team/level@\(reported)")
        #expect(try PublishPushTests.skopeoDigest("team/level:2", registry: registry) == reported)
        let sbom = try String(contentsOfFile: output.file("sbom.spdx.json"), encoding: .utf8)
        #expect(sbom.contains(String(reported.dropFirst("sha256:".count))), "the SBOM names the pushed digest")
        #expect(!sbom.contains(String(local.dropFirst("sha256:".count))))
    }
}
