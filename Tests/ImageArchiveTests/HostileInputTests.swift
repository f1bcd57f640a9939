import ImageArchive
import Testing
import TestSupport

/// Every case of `fixtures/make-fixtures.py hostile`: refused with an ``ArchiveError`` (never
/// a crash, a hang or an unrelated error), or accepted where the case says so.
@Suite struct HostileInputTests {
    static let cases: [Fixtures.HostileCase] = (try? Fixtures.hostileCases().cases) ?? []

    @Test func casesWereGenerated() throws {
        #expect(try Fixtures.hostileCases().cases.count >= 15)
    }

    @Test(arguments: cases.map(\.file))
    func hostileCase(file: String) throws {
        let (directory, cases) = try Fixtures.hostileCases()
        let hostile = try #require(cases.first { $0.file == file })
        let reading = try ArchiveReading()
        if hostile.expectation == "accept" {
            _ = try reading.read(directory + "/" + file)
        } else {
            #expect(throws: ArchiveError.self, "\(hostile.case)") {
                try reading.read(directory + "/" + file)
            }
        }
    }

    @Test func aDirectoryIsNotAnArchive() throws {
        let directory = try TemporaryDirectory()
        #expect {
            try ArchiveReading().read(directory.path)
        } throws: { error in
            if case ArchiveError.notAnArchive = error { return true }
            return false
        }
    }

    @Test func aMissingFileCannotBeOpened() throws {
        #expect {
            try ArchiveReading().read("/nonexistent/image.tar")
        } throws: { error in
            if case ArchiveError.cannotOpen = error { return true }
            return false
        }
    }
}
