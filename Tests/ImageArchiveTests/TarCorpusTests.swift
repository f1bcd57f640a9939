import Crypto
import Foundation
@testable import ImageArchive
import OCI
import Testing
import TestSupport

/// Go's and libarchive's own tar test archives, each read by our tar reader and by Go's
/// archive/tar (`Tests/Corpus/goverdict`): the same verdict, the same regular files with the
/// same sizes, and, as the only layer of an image, a diffID equal to the tar's SHA-256.
@Suite struct TarCorpusTests {
    static let verdicts: [TarCorpus.Verdict] = (try? TarCorpus.load().verdicts) ?? []

    /// Where we part from Go on purpose, and why.
    static let deliberate: [String: String] = [
        "go-gnu-nil-sparse-data.tar": sparse, "go-gnu-nil-sparse-hole.tar": sparse,
        "go-gnu-sparse-big.tar": sparse, "go-pax-nil-sparse-data.tar": sparse,
        "go-pax-nil-sparse-hole.tar": sparse, "go-pax-sparse-big.tar": sparse,
        "go-sparse-formats.tar": sparse, "go-gnu-incremental.tar": sparse,
        "libarchive-test_read_format_gtar_sparse_1_13.tar": sparse,
        "libarchive-test_read_format_gtar_sparse_1_17.tar": sparse,
        "libarchive-test_read_format_gtar_sparse_1_17_posix00.tar": sparse,
        "libarchive-test_read_format_gtar_sparse_1_17_posix01.tar": sparse,
        "libarchive-test_read_format_gtar_sparse_1_17_posix10.tar": sparse,
        "libarchive-test_read_format_gtar_sparse_length.tar": sparse,
        "libarchive-test_read_format_gtar_sparse_reuse.tar": sparse,
    ]
    static let sparse = "GNU sparse files are refused (documented): an image layer never needs one, and expanding holes would let a small tarball claim any size"

    @Test func corpusIsThere() throws {
        let verdicts = try TarCorpus.load().verdicts
        #expect(verdicts.count >= 90)
        #expect(verdicts.filter(\.accepted).count >= 60)
    }

    @Test(arguments: verdicts.map(\.file))
    func sameVerdictAsGo(file: String) throws {
        let (directory, verdicts) = try TarCorpus.load()
        let go = try #require(verdicts.first { $0.file == file })
        let ours = Self.read(directory + "/tars/" + file)
        if let reason = Self.deliberate[file] {
            #expect(go.accepted && ours.error != nil, "\(file): listed as a deliberate difference (\(reason))")
            return
        }
        #expect(go.accepted == (ours.error == nil),
                "\(file): Go \(go.accepted ? "accepts" : "refuses (\(go.error ?? ""))"), we \(ours.error.map { "refuse: \($0)" } ?? "accept")")
        guard go.accepted, ours.error == nil else { return }
        let goFiles = go.entries.filter { ["0", "\u{0}", "7"].contains($0.type) && !$0.name.hasSuffix("/") }
        let goNames = goFiles.map { ArchivePath.decodeUTF8($0.nameBytes) ?? ArchivePath.escaped($0.nameBytes) }
        #expect(ours.files.map(\.name) == goNames, "\(file): regular file names")
        #expect(ours.files.map(\.size) == goFiles.map(\.size), "\(file): regular file sizes")
        #expect(ours.files.map(\.mtime) == goFiles.map(\.mtime), "\(file): modification times")
    }

    @Test(arguments: verdicts.filter(\.accepted).map(\.file))
    func diffIDIsTheTarDigest(file: String) throws {
        guard Self.deliberate[file] == nil else { return }
        let (directory, _) = try TarCorpus.load()
        let tar = try Data(contentsOf: URL(fileURLWithPath: directory + "/tars/" + file))
        let loaded = try ArchiveReading().read(directory + "/images/" + file)
        let layers = loaded.artifact.images.flatMap(\.layers)
        #expect(layers.map(\.diffID) == [SHA256Hasher.digest([UInt8](tar))], "\(file)")
    }

    private struct Read {
        var files: [(name: String, size: Int64, mtime: Int64)] = []
        var error: String?
    }

    private static func read(_ path: String) -> Read {
        var result = Read()
        do {
            let reader = TarReader(source: try FileSource(path: path), context: "corpus file")
            while let entry = try reader.next() {
                let size = try reader.drainCount()
                if entry.kind == .regular {
                    result.files.append((entry.name, size, entry.modificationTime))
                }
            }
        } catch {
            result.error = "\(error)"
        }
        return result
    }
}

extension TarReader {
    /// Reads the current entry to its end; returns the byte count.
    fileprivate func drainCount() throws -> Int64 {
        var total: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return total }
            total += Int64(n)
        }
    }
}
