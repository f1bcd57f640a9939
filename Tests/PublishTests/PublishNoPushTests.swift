import Foundation
import OCI
import Testing
import TestSupport

/// `publish --no-push` end to end through the executable, checked by skopeo.
@Suite struct PublishNoPushTests {
    static let layouts: [(file: String, skopeoReference: String?)] = [
        ("sample-docker-classic.tar", "docker-archive:"),
        ("sample-docker-oci.tar", "docker-archive:"),
        ("sample-oci-archive.tar", "oci-archive:"),
        // Debian's skopeo 1.9 cannot read a gzipped docker-archive; ours is compared with
        // the uncompressed fixture instead.
        ("sample-docker-classic.tar.gz", nil),
    ]

    @Test(arguments: layouts.map(\.file))
    func skopeoAcceptsTheLayout(file: String) throws {
        let output = try TemporaryDirectory("publish")
        let result = try CLI.publishLocally(Paths.fixtureImage(file), output: output.path)
        #expect(result.status == 0, "\(result.stderr)")
        let layout = "oci:\(output.path)/image"
        try Tool.check("skopeo", ["inspect", layout])
        try Tool.check("skopeo", ["copy", "-q", layout, "docker-archive:\(output.file("copy.tar")):test/app:copy"])
        let prefix = Self.layouts.first { $0.file == file }?.skopeoReference
        let input = prefix.map { $0 + Paths.fixtureImage(file) }
            ?? "docker-archive:" + Paths.fixtureImage("sample-docker-classic.tar")
        #expect(try CLI.skopeoDiffIDs(layout) == CLI.skopeoDiffIDs(input))
        #expect(try CLI.skopeoDiffIDs("docker-archive:" + output.file("copy.tar")) == CLI.skopeoDiffIDs(input))
        // Nothing but the layout, its SBOM and the dry run's push record is left in the output directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).sorted() == ["copy.tar", "image", "record.json", "sbom.spdx.json"])
    }

    @Test func outputIsByteIdenticalForOneAndEightThreads() throws {
        let one = try TemporaryDirectory("threads1"), eight = try TemporaryDirectory("threads8")
        let again = try TemporaryDirectory("threads1-again")
        let image = Paths.fixtureImage("sample-docker-classic.tar")
        #expect(try CLI.publishLocally(image, output: one.path, ["--threads", "1"]).status == 0)
        #expect(try CLI.publishLocally(image, output: eight.path, ["--threads", "8"]).status == 0)
        #expect(try CLI.publishLocally(image, output: again.path, ["--threads", "1"]).status == 0)
        let reference = try DirectorySnapshot.files(one.file("image"))
        #expect(!reference.isEmpty)
        #expect(try DirectorySnapshot.files(eight.file("image")) == reference)
        #expect(try DirectorySnapshot.files(again.file("image")) == reference)
    }

    @Test func jsonReportMatchesTheLayout() throws {
        let output = try TemporaryDirectory("json")
        let result = try CLI.publishLocally(Paths.fixtureImage("sample-docker-oci.tar"), output: output.path, ["--json", "--tag", "v1.2.3"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let manifest = try #require(report["manifest"] as? [String: Any])
        let digest = try #require((manifest["digest"] as? String).flatMap(Digest.init))
        let blob = try Data(contentsOf: URL(fileURLWithPath: output.file("image/blobs/sha256/\(digest.hex)")))
        let sha = try Tool.check("sha256sum", [output.file("image/blobs/sha256/\(digest.hex)")])
        #expect(sha.stdout.hasPrefix(digest.hex))
        #expect(manifest["size"] as? Int == blob.count)
        let images = try #require(report["images"] as? [[String: Any]])
        #expect((images.first?["layers"] as? [Any])?.count == 3)
        #expect(report["tags"] as? [String] == ["v1.2.3"])
        let index = try Data(contentsOf: URL(fileURLWithPath: output.file("image/index.json")))
        #expect(String(decoding: index, as: UTF8.self).contains(#""org.opencontainers.image.ref.name":"v1.2.3""#))
    }

    @Test func dockerManifestFormat() throws {
        let output = try TemporaryDirectory("docker-format")
        let result = try CLI.publishLocally(Paths.fixtureImage("sample-oci-archive.tar"), output: output.path, ["--manifest-format", "docker"])
        #expect(result.status == 0, "\(result.stderr)")
        let raw = try Tool.check("skopeo", ["inspect", "--raw", "oci:\(output.path)/image"])
        #expect(raw.stdout.contains(MediaType.dockerManifest))
        #expect(raw.stdout.contains(MediaType.dockerLayerGzip))
        try Tool.check("skopeo", ["copy", "-q", "oci:\(output.path)/image", "dir:\(output.file("dir"))"])
    }

    @Test func multiArchIndexIsWrittenAndCopyable() throws {
        let output = try TemporaryDirectory("multi-arch")
        let result = try CLI.publishLocally(Paths.fixtureImage("multi-arch-oci.tar"), output: output.path)
        #expect(result.status == 0, "\(result.stderr)")
        let raw = try Tool.check("skopeo", ["inspect", "--raw", "oci:\(output.path)/image"])
        #expect(raw.stdout.contains(MediaType.ociIndex))
        try Tool.check("skopeo", ["copy", "-q", "--all", "oci:\(output.path)/image", "oci:\(output.file("copy")):x"])
    }

    @Test func readsStandardInput() throws {
        let output = try TemporaryDirectory("stdin")
        let result = try Tool.run("bash", [
            "-c", "\"$0\" publish - --repository test/app --no-push --output \"$1\" < \"$2\"",
            Paths.executable, output.path, Paths.fixtureImage("sample-docker-classic.tar"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        try Tool.check("skopeo", ["inspect", "oci:\(output.path)/image"])
    }

    @Test func multiImageTarballWithImageFlag() throws {
        let output = try TemporaryDirectory("multi-image")
        let ambiguous = try CLI.publishLocally(Paths.fixtureImage("multi-image.tar"), output: output.path)
        #expect(ambiguous.status == 3)
        #expect(ambiguous.stderr.contains("--image"))
        let chosen = try CLI.publishLocally(Paths.fixtureImage("multi-image.tar"), output: output.path, ["--image", "multi-b:2.0"])
        #expect(chosen.status == 0, "\(chosen.stderr)")
        #expect(chosen.stdout.contains("multi-b:2.0"))
    }
}

extension PublishNoPushTests {
    /// zstd layers (BuildKit's `compression=zstd`) are kept byte for byte and checked like
    /// gzip ones; a zstd-compressed tarball is read like a gzipped one.
    @Test func zstdLayersAndZstdTarballs() throws {
        let directory = try TemporaryDirectory("zstd")
        let archive = directory.file("zstd-oci.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-zstd-archive.py",
                                   Paths.fixtureImage("sample-docker-classic.tar"), archive, "--tag", "1.0"])
        let output = try TemporaryDirectory("zstd-out")
        let result = try CLI.publishLocally(archive, output: output.path, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let raw = try Tool.check("skopeo", ["inspect", "--raw", "oci:\(output.path)/image"])
        #expect(raw.stdout.contains("application/vnd.oci.image.layer.v1.tar+zstd"))
        #expect(try CLI.skopeoDiffIDs("oci:\(output.path)/image") == CLI.skopeoDiffIDs("oci-archive:" + archive))
        #expect(raw.stdoutData == (try Tool.check("skopeo", ["inspect", "--raw", "oci-archive:" + archive]).stdoutData),
                "the manifest is kept byte for byte")

        try Tool.check("zstd", ["-q", "-f", Paths.fixtureImage("sample-docker-classic.tar"), "-o", directory.file("image.tar.zst")])
        let compressedTarball = try TemporaryDirectory("zst-tarball")
        let fromZst = try CLI.publishLocally(directory.file("image.tar.zst"), output: compressedTarball.path)
        #expect(fromZst.status == 0, "\(fromZst.stderr)")
        #expect(try CLI.skopeoDiffIDs("oci:\(compressedTarball.path)/image") == CLI.skopeoDiffIDs("docker-archive:" + Paths.fixtureImage("sample-docker-classic.tar")))
    }
}
