import Compression
import Foundation
import ImageArchive
import OCI
import Testing
import TestSupport

/// The pass tells how far it has read each blob member: once when it starts (with what it
/// does with it), every ``LayerReadProgress/interval`` bytes, and once at the end with the
/// blob the image names; never about the small JSON members.
@Suite struct LayerReadProgressTests {
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var reports: [LayerReadProgress] = []
        func record(_ progress: LayerReadProgress) { lock.withLock { reports.append(progress) } }
        var all: [LayerReadProgress] { lock.withLock { reports } }
    }

    func read(_ path: String) throws -> (LoadedArchive, [LayerReadProgress]) {
        let recorder = Recorder()
        var options = ArchiveReadOptions()
        options.progress = { recorder.record($0) }
        let reading = try ArchiveReading()
        let pool = try CompressionPool(threads: 2, level: 6)
        defer { pool.shutdown() }
        let loaded = try ImageArchiveReader.read(path: path, options: options, spool: reading.spool, pool: pool)
        return (loaded, recorder.all)
    }

    @Test(arguments: [("sample-docker-classic.tar", LayerReadProgress.Phase.compressing), ("sample-oci-archive.tar", .hashing)])
    func everyLayerStartsAndEndsWithItsBlob(file: String, phase: LayerReadProgress.Phase) throws {
        let (loaded, reports) = try read(Paths.fixtureImage(file))
        guard case .image(let image) = loaded.artifact else {
            Issue.record("expected a single image")
            return
        }
        let members = Dictionary(grouping: reports, by: \.path)
        #expect(members.count == image.layers.count, "one member per layer, no JSON: \(members.keys.sorted())")
        for (path, reports) in members {
            #expect(reports.first?.stored == nil && reports.first?.phase == phase, "\(path)")
            #expect(reports.dropLast().allSatisfy { $0.stored == nil })
            #expect(reports.map(\.read) == reports.map(\.read).sorted(), "\(path): never backwards")
            let last = try #require(reports.last)
            #expect(last.read == last.size, "\(path)")
        }
        #expect(Set(members.values.compactMap { $0.last?.stored }) == Set(image.layers.map(\.descriptor.digest)))
    }

    @Test func aLargeLayerIsReportedEveryFewMebibytesNotEveryRead() throws {
        let directory = try TemporaryDirectory("read-progress")
        try FileManager.default.createDirectory(atPath: directory.file("layer"), withIntermediateDirectories: true)
        try Tool.check("bash", ["-c", "head -c \(18 << 20) /dev/urandom > \(directory.file("layer/random.bin"))"])
        let image = directory.file("big.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "image", "--layout", "docker-oci",
                                   "--layer", directory.file("layer"), "--tag", "big:1", "--out", image])
        let (_, reports) = try read(image)
        let layer = try #require(reports.first)
        #expect(layer.size > 18 << 20)
        // Start, one every 4 MiB or a little more (18 MiB and a tar header: 4 at most), end.
        #expect((2 + 2...2 + Int(layer.size / LayerReadProgress.interval)).contains(reports.count), "\(reports.map(\.read))")
        for (earlier, later) in zip(reports, reports.dropFirst().dropLast()) {
            #expect(later.read - earlier.read >= LayerReadProgress.interval)
        }
    }
}
