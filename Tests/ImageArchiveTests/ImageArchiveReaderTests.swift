import Compression
import Foundation
import ImageArchive
import OCI
import Testing
import TestSupport

@Suite struct ImageArchiveReaderTests {
    struct Expected: Decodable {
        var config_digest: String?
        var diff_ids: [String]?
    }

    static let expected: [String: Expected] = {
        let data = FileManager.default.contents(atPath: Paths.fixtureImage("expected.json")) ?? Data("{}".utf8)
        return (try? JSONDecoder().decode([String: Expected].self, from: data)) ?? [:]
    }()

    @Test(arguments: [
        ("sample-docker-classic.tar", SourceFormat.dockerArchive),
        ("sample-docker-oci.tar", .dockerOCIArchive),
        ("sample-oci-archive.tar", .ociArchive),
        ("sample-docker-classic.tar.gz", .dockerArchive),
    ])
    func readsEveryLayout(file: String, format: SourceFormat) throws {
        let expected = try #require(Self.expected[file])
        let loaded = try ArchiveReading().read(Paths.fixtureImage(file))
        #expect(loaded.format == format)
        guard case .image(let image) = loaded.artifact else {
            Issue.record("expected a single image")
            return
        }
        #expect(image.layers.map(\.diffID.description) == expected.diff_ids)
        #expect(image.config.digest.description == expected.config_digest)
        #expect(image.platform?.description == "linux/amd64")
        for layer in image.layers {
            #expect(layer.descriptor.mediaType == MediaType.ociLayerGzip)
            #expect(layer.action == (format == .ociArchive ? .kept : .compressed))
        }
    }

    @Test func classicAndDocker25LayoutsGiveTheSameManifest() throws {
        let classic = try ArchiveReading().read(Paths.fixtureImage("sample-docker-classic.tar"))
        let docker25 = try ArchiveReading().read(Paths.fixtureImage("sample-docker-oci.tar"))
        #expect(classic.artifact.descriptor.digest == docker25.artifact.descriptor.digest)
    }

    @Test func ociArchiveManifestIsKeptByteForByte() throws {
        let loaded = try ArchiveReading().read(Paths.fixtureImage("sample-oci-archive.tar"))
        let raw = try Tool.check("skopeo", ["inspect", "--raw", "oci-archive:" + Paths.fixtureImage("sample-oci-archive.tar")])
        guard case .image(let image) = loaded.artifact else { return }
        #expect(image.manifestBytes == Array(raw.stdoutData))
    }

    @Test func dockerFormatUsesDockerMediaTypes() throws {
        let loaded = try ArchiveReading().read(Paths.fixtureImage("sample-oci-archive.tar"), format: .docker)
        guard case .image(let image) = loaded.artifact else { return }
        #expect(image.manifest.mediaType == MediaType.dockerManifest)
        #expect(image.config.mediaType == MediaType.dockerConfig)
        #expect(image.layers.allSatisfy { $0.descriptor.mediaType == MediaType.dockerLayerGzip })
        let manifest = try JSONDecoder().decode(ImageManifest.self, from: Data(image.manifestBytes))
        #expect(manifest.mediaType == MediaType.dockerManifest)
    }

    @Test func fileIndexAppliesWhiteoutsAndCapturesPackageDatabases() throws {
        let capture = CapturePaths(
            paths: ["var/lib/dpkg/status", "etc/os-release"], suffixes: ["/METADATA", "/package.json"])
        let loaded = try ArchiveReading().read(Paths.fixtureImage("sample-docker-classic.tar"), capture: capture)
        let view = loaded.artifact.images[0].fileSystem()
        let paths = Set(view.items.map(\.entry.path))
        #expect(!paths.contains("etc/to-delete"), "whiteout in layer 2 deletes it")
        #expect(paths.contains("opt/app/new.txt"))
        #expect(!paths.contains { $0.hasPrefix("opt/app/") && $0 != "opt/app/new.txt" }, "opaque dir hides lower content")
        #expect(paths.contains("usr/share/doc/café.txt"))
        #expect(paths.contains { $0.utf8.count > 100 }, "PAX long name")
        #expect(view.entry(at: "bin")?.kind == .symlink)
        #expect(view.entry(at: "usr/bin/sh2")?.kind == .hardlink)
        let status = try #require(view.captured["var/lib/dpkg/status"])
        #expect(String(decoding: status, as: UTF8.self).contains("Package: bash"))
        #expect(view.captured.keys.contains { $0.hasSuffix("requests-2.31.0.dist-info/METADATA") })
        #expect(view.captured.keys.contains("usr/share/nodejs/semver/package.json"))
    }

    @Test func multiImageTarballNeedsAChoice() throws {
        let path = Paths.fixtureImage("multi-image.tar")
        #expect {
            try ArchiveReading().read(path)
        } throws: { error in
            guard case ArchiveError.ambiguousImage(let candidates) = error else { return false }
            return candidates.count == 2
        }
        let listed = try Tool.check("python3", ["-c", "import json,tarfile,sys; t=tarfile.open(sys.argv[1]); print('\\n'.join(e['RepoTags'][0] for e in json.load(t.extractfile('manifest.json'))))", path])
        let names = listed.stdout.split(separator: "\n").map(String.init)
        #expect(names.count == 2)
        let first = try ArchiveReading().read(path, image: names[0])
        let second = try ArchiveReading().read(path, image: names[1])
        #expect(first.artifact.descriptor.digest != second.artifact.descriptor.digest)
        #expect(first.artifact.sourceName == names[0])
        #expect {
            try ArchiveReading().read(path, image: "no-such:image")
        } throws: { error in
            if case ArchiveError.imageNotFound = error { return true }
            return false
        }
    }

    @Test func multiArchIndexIsKept() throws {
        let loaded = try ArchiveReading().read(Paths.fixtureImage("multi-arch-oci.tar"))
        guard case .index(let index) = loaded.artifact else {
            Issue.record("expected an index")
            return
        }
        #expect(index.images.count == 2)
        #expect(Set(index.images.compactMap { $0.platform?.architecture }) == ["amd64", "arm64"])
        let decoded = try JSONDecoder().decode(ImageIndex.self, from: Data(index.bytes))
        #expect(decoded.manifests.map(\.digest) == index.images.map(\.manifest.digest))
    }

    @Test func sharedLayersAsSymlinksAreFollowed() throws {
        let loaded = try ArchiveReading().read(Paths.fixtureImage("dup-layer-docker-classic.tar"))
        let layers = loaded.artifact.images[0].layers
        #expect(layers.count >= 2)
    }

    @Test func capturedBytesAreBounded() throws {
        var limits = ArchiveLimits()
        limits.maxCapturedBytes = 10
        let capture = CapturePaths(paths: ["var/lib/dpkg/status"])
        let loaded = try ArchiveReading().read(Paths.fixtureImage("sample-docker-classic.tar"), capture: capture, limits: limits)
        #expect(loaded.artifact.images[0].fileSystem().captured.isEmpty)
    }

    @Test func layerEntryLimitIsEnforced() throws {
        var limits = ArchiveLimits()
        limits.maxLayerEntries = 3
        #expect {
            try ArchiveReading().read(Paths.fixtureImage("sample-docker-classic.tar"), limits: limits)
        } throws: { error in
            if case ArchiveError.limitExceeded = error { return true }
            return false
        }
    }
}

extension ImageArchiveReaderTests {
    /// `docker save` with the containerd store keeps the whole index but only the local
    /// platform's blobs: the platform that is there is published, the rest noted.
    @Test func indexWithOnlySomePlatformsPresent() throws {
        let directory = try TemporaryDirectory("partial")
        let partial = directory.file("partial.tar")
        try Tool.check("python3", ["-c", """
            import json, sys, tarfile
            source = tarfile.open(sys.argv[1])
            index = json.load(source.extractfile("index.json"))
            inner = json.load(source.extractfile("blobs/sha256/" + index["manifests"][0]["digest"].split(":")[1]))
            arm = [m["digest"].split(":")[1] for m in inner["manifests"] if m["platform"]["architecture"] == "arm64"][0]
            with tarfile.open(sys.argv[2], "w") as out:
                for member in source.getmembers():
                    if not member.name.endswith(arm):
                        out.addfile(member, source.extractfile(member) if member.isfile() else None)
            """, Paths.fixtureImage("multi-arch-oci.tar"), partial])
        let loaded = try ArchiveReading().read(partial)
        guard case .image(let image) = loaded.artifact else {
            Issue.record("expected the one complete platform as a plain image")
            return
        }
        #expect(image.platform?.architecture == "amd64")
        #expect(loaded.notes.contains { $0.contains("arm64") && $0.contains("left out") })
    }
}

extension ImageArchiveReaderTests {
    @Test func platformSelection() throws {
        var options = ArchiveReadOptions()
        options.platform = Platform(parsing: "linux/arm64")
        let reading = try ArchiveReading()
        let pool = try CompressionPool(threads: 2, level: 6)
        defer { pool.shutdown() }
        let loaded = try ImageArchiveReader.read(path: Paths.fixtureImage("multi-arch-oci.tar"), options: options, spool: reading.spool, pool: pool)
        guard case .image(let image) = loaded.artifact else {
            Issue.record("expected a single image")
            return
        }
        #expect(image.platform?.architecture == "arm64")
        options.platform = Platform(parsing: "linux/s390x")
        #expect {
            try ImageArchiveReader.read(path: Paths.fixtureImage("multi-arch-oci.tar"), options: options, spool: reading.spool, pool: pool)
        } throws: { error in
            guard case ArchiveError.platformNotFound(_, let available) = error else { return false }
            return available.contains { $0.hasPrefix("linux/amd64") }
        }
        options.platform = Platform(parsing: "linux/arm64")
        #expect(throws: ArchiveError.self) {
            try ImageArchiveReader.read(path: Paths.fixtureImage("sample-docker-classic.tar"), options: options, spool: reading.spool, pool: pool)
        }
        #expect(Platform(parsing: "linux/arm64")?.accepts(Platform(architecture: "arm64", os: "linux", variant: "v8")) == true)
        #expect(Platform(parsing: "linux/arm/v7")?.accepts(Platform(architecture: "arm", os: "linux", variant: "v6")) == false)
        #expect(Platform(parsing: "linux") == nil)
    }
}

extension ImageArchiveReaderTests {
    /// Without the entry list (memory independent of the file count), captures still squash.
    @Test func capturesWithoutEntryList() throws {
        var options = ArchiveReadOptions()
        options.recordsEntries = false
        options.capture = CapturePaths(paths: ["var/lib/dpkg/status"], suffixes: ["/package.json"])
        let reading = try ArchiveReading()
        let pool = try CompressionPool(threads: 2, level: 6)
        defer { pool.shutdown() }
        let loaded = try ImageArchiveReader.read(path: Paths.fixtureImage("sample-docker-oci.tar"), options: options, spool: reading.spool, pool: pool)
        let view = loaded.artifact.images[0].fileSystem()
        #expect(view.items.isEmpty)
        #expect(view.captured.keys.sorted() == ["usr/share/nodejs/semver/package.json", "var/lib/dpkg/status"])
    }
}
