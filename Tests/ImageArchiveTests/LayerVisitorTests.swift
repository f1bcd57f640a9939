import Compression
import ImageArchive
import StreamIO
import Testing
import TestSupport

/// The walk streams to a visitor the files it asks for, by path or by their first bytes.
@Suite struct LayerVisitorTests {
    /// Records what it was handed: path, bytes read, first byte.
    final class Recording: LayerVisit {
        var seen: [String] = []
        var sniffed: [String] = []
        func interest(inFileAt path: String, size: Int64) -> ContentInterest {
            if path == "var/lib/dpkg/status" || path.hasSuffix("/package.json") { return .contents }
            return .sniff(count: 4)
        }
        func wants(path: String, size: Int64, head: [UInt8]) -> Bool {
            sniffed.append(path)
            return head.starts(with: Array("Name".utf8)) || head.starts(with: Array("Meta".utf8))
        }
        func visit(path: String, size: Int64, contents: any ByteSource) throws {
            let bytes = try contents.readAll(limit: 1 << 20)
            #expect(Int64(bytes.count) == size, "\(path): the whole file, prefix included")
            seen.append(path)
        }
        func finish() -> any Sendable { seen }
    }

    struct Visitor: LayerVisitor {
        func makeLayerVisit() -> any LayerVisit { Recording() }
    }

    @Test func visitorSeesWantedFilesOfEveryLayerWithoutAnEntryList() throws {
        var options = ArchiveReadOptions()
        options.recordsEntries = false
        options.visitor = Visitor()
        let reading = try ArchiveReading()
        let pool = try CompressionPool(threads: 2, level: 6)
        defer { pool.shutdown() }
        let loaded = try ImageArchiveReader.read(
            path: Paths.fixtureImage("sample-docker-oci.tar"), options: options, spool: reading.spool, pool: pool)
        let layers = loaded.artifact.images[0].layers
        let found = layers.flatMap { ($0.files.findings as? [String]) ?? [] }
        #expect(found.contains("var/lib/dpkg/status"))
        #expect(found.contains("usr/share/nodejs/semver/package.json"))
        #expect(found.contains { $0.hasSuffix(".dist-info/METADATA") }, "found by a sniff of its first bytes: \(found)")
        #expect(layers.allSatisfy { $0.files.findings != nil })
        #expect(layers.allSatisfy { $0.files.entries.isEmpty })
    }
}
