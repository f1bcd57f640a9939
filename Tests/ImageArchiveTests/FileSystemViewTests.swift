@testable import ImageArchive
import Testing

@Suite struct FileSystemViewTests {
    private func file(_ path: String, _ kind: TarEntry.Kind = .regular) -> FileEntry {
        FileEntry(path: path, kind: kind, size: 1, mode: 0o644, linkTarget: nil)
    }

    @Test func whiteoutsAndOpaqueDirectoriesApplyToLowerLayersOnly() {
        var base = LayerFiles()
        base.entries = [file("etc", .directory), file("etc/a"), file("etc/b"), file("opt", .directory),
                        file("opt/old"), file("opt/sub", .directory), file("opt/sub/deep")]
        base.captured = ["etc/a": [1], "etc/b": [2]]
        var upper = LayerFiles()
        upper.whiteouts = ["etc/a"]
        upper.opaqueDirectories = ["opt"]
        upper.entries = [file("opt", .directory), file("opt/new")]
        let view = FileSystemView(layers: [base, upper])
        let paths = view.items.map(\.entry.path)
        #expect(paths == ["etc", "etc/b", "opt", "opt/new"])
        #expect(view.captured == ["etc/b": [2]])
        #expect(view.entry(at: "opt/new") != nil)
        #expect(view.entry(at: "etc/a") == nil)
    }

    @Test func aFileReplacingADirectoryRemovesItsContent() {
        var base = LayerFiles()
        base.entries = [file("x", .directory), file("x/y")]
        var upper = LayerFiles()
        upper.entries = [file("x", .symlink)]
        let view = FileSystemView(layers: [base, upper])
        #expect(view.items.map(\.entry.path) == ["x"])
        #expect(view.items[0].layer == 1)
    }

    @Test func laterCaptureWins() {
        var base = LayerFiles()
        base.entries = [file("status")]
        base.captured = ["status": [1]]
        var upper = LayerFiles()
        upper.entries = [file("status")]
        upper.captured = ["status": [2]]
        #expect(FileSystemView(layers: [base, upper]).captured == ["status": [2]])
    }
}

extension FileSystemViewTests {
    @Test func capturesAreSquashedWithoutTheEntryList() {
        var base = LayerFiles()
        base.entriesRecorded = false
        base.captured = ["var/lib/dpkg/status": [1], "etc/os-release": [2], "opt/app/package.json": [3]]
        var upper = LayerFiles()
        upper.entriesRecorded = false
        upper.whiteouts = ["etc/os-release"]
        upper.opaqueDirectories = ["opt/app"]
        upper.captured = ["var/lib/dpkg/status": [9]]
        #expect(FileSystemView(layers: [base, upper]).captured == ["var/lib/dpkg/status": [9]])
    }
}
