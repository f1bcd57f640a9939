import Compression
import StreamIO
@testable import ImageArchive
import Testing
import TestSupport

@Suite struct TarReaderTests {
    private func entries(_ builder: TarBuilder) throws -> [(TarEntry, [UInt8])] {
        let reader = TarReader(source: MemorySource(builder.bytes), context: "test")
        var result: [(TarEntry, [UInt8])] = []
        while let entry = try reader.next() {
            result.append((entry, try reader.readAll(limit: 1 << 20)))
        }
        return result
    }

    @Test func readsUstarEntries() throws {
        var tar = TarBuilder()
        tar.add("dir/", kind: .directory, mode: 0o755)
        tar.add("dir/file.txt", data: Array("hello".utf8))
        tar.add("dir/link", kind: .symlink, linkName: "file.txt")
        tar.add("dir/hard", kind: .hardlink, linkName: "dir/file.txt")
        tar.finish()
        let read = try entries(tar)
        #expect(read.map(\.0.name) == ["dir/", "dir/file.txt", "dir/link", "dir/hard"])
        #expect(read[0].0.kind == .directory)
        #expect(read[1].1 == Array("hello".utf8))
        #expect(read[1].0.size == 5)
        #expect(read[2].0.kind == .symlink && read[2].0.linkName == "file.txt")
        #expect(read[3].0.kind == .hardlink && read[3].0.size == 0)
    }

    @Test func paxOverridesNameSizeAndLink() throws {
        let longName = String(repeating: "deep/", count: 40) + "file"
        var tar = TarBuilder()
        tar.addPax([("path", longName), ("mtime", "1700000000.5"), ("SCHILY.xattr.user.x", "1")])
        tar.add("truncated-name", data: Array("data".utf8))
        tar.finish()
        let read = try entries(tar)
        #expect(read.count == 1)
        #expect(read[0].0.name == longName)
        #expect(read[0].0.modificationTime == 1_700_000_000)
        #expect(read[0].0.paxRecords["SCHILY.xattr.user.x"] == "1")
        #expect(read[0].1 == Array("data".utf8))
    }

    @Test func gnuLongNames() throws {
        let longName = String(repeating: "n", count: 300)
        var tar = TarBuilder()
        tar.addGNULongName(longName)
        tar.add(String(longName.prefix(100)), data: [1, 2, 3])
        tar.finish()
        let read = try entries(tar)
        #expect(read.map(\.0.name) == [longName])
    }

    @Test func base256Size() throws {
        var tar = TarBuilder()
        tar.add("big", data: [UInt8](repeating: 7, count: 1000), base256Size: true)
        tar.finish()
        #expect(try entries(tar)[0].1.count == 1000)
    }

    @Test func badChecksumIsCorruptHeader() {
        var tar = TarBuilder()
        tar.add("file", data: [1], corruptChecksum: true)
        tar.finish()
        #expect {
            try entries(tar)
        } throws: { error in
            if case ArchiveError.corruptHeader = error { return true }
            return false
        }
    }

    @Test func sizePastTheEndIsTruncation() {
        var tar = TarBuilder()
        tar.add("file", data: [1, 2, 3], sizeOverride: 1 << 30)
        #expect {
            try entries(tar)
        } throws: { error in
            if case ArchiveError.truncated = error { return true }
            return false
        }
    }

    @Test func truncatedHeaderIsTruncation() {
        var tar = TarBuilder()
        tar.add("file", data: [1, 2, 3])
        let cut = Array(tar.bytes.prefix(300))
        #expect {
            let reader = TarReader(source: MemorySource(cut), context: "t")
            while try reader.next() != nil {}
        } throws: { error in
            if case ArchiveError.truncated = error { return true }
            return false
        }
    }

    @Test func nonUTF8NamesAreFlaggedAndEscaped() throws {
        var tar = TarBuilder()
        tar.add(nameBytes: Array("caf".utf8) + [0xE9] + Array(".txt".utf8), data: [])
        tar.finish()
        let entry = try entries(tar)[0].0
        #expect(!entry.nameIsUTF8)
        #expect(entry.name == "caf%E9.txt")
    }

    @Test func unreadDataIsSkipped() throws {
        var tar = TarBuilder()
        tar.add("a", data: [UInt8](repeating: 1, count: 2000))
        tar.add("b", data: [2])
        tar.finish()
        let reader = TarReader(source: MemorySource(tar.bytes), context: "t")
        #expect(try reader.next()?.name == "a")
        #expect(try reader.next()?.name == "b")
        #expect(try reader.readAll(limit: 10) == [2])
        #expect(try reader.next() == nil)
    }

    @Test func pathNormalization() throws {
        #expect(try ArchivePath.normalize("./a//b/./c", inLayer: false) == "a/b/c")
        #expect(try ArchivePath.normalize("/etc/passwd", inLayer: true) == "etc/passwd")
        #expect(try ArchivePath.normalize("a/../b", inLayer: true) == "b")
        #expect(throws: ArchiveError.self) { try ArchivePath.normalize("../x", inLayer: true) }
        #expect(throws: ArchiveError.self) { try ArchivePath.normalize("a/../../x", inLayer: true) }
        #expect(throws: ArchiveError.self) { try ArchivePath.normalize("/abs", inLayer: false) }
        #expect(throws: ArchiveError.self) { try ArchivePath.normalize("a/../b", inLayer: false) }
        #expect(try ArchivePath.resolveLink("../other/layer.tar", from: "one/layer.tar") == "other/layer.tar")
        #expect(throws: ArchiveError.self) { try ArchivePath.resolveLink("../../x", from: "one/layer.tar") }
    }
}

extension TarReaderTests {
    @Test func globalPaxHeadersDoNotRenameEntries() throws {
        var tar = TarBuilder()
        var global = TarBuilder()
        global.add("pax_global_header", kind: .pax, data: Array("24 path=everything/same\n".utf8))
        // Turn the 'x' typeflag of the helper into 'g' (global) and fix the checksum.
        var header = Array(global.bytes.prefix(512))
        header[156] = UInt8(ascii: "g")
        for index in 148..<156 { header[index] = 0x20 }
        let sum = header.reduce(0) { $0 + Int($1) }
        let digits = Array(String(sum, radix: 8).utf8)
        let field = [UInt8](repeating: UInt8(ascii: "0"), count: 6 - digits.count) + digits + [0, 0x20]
        header.replaceSubrange(148..<156, with: field)
        tar.append(rawBytes: header + Array(global.bytes.dropFirst(512)))
        tar.add("a", data: [1])
        tar.add("b", data: [2])
        tar.finish()
        #expect(try entries(tar).map(\.0.name) == ["a", "b"])
    }
}
