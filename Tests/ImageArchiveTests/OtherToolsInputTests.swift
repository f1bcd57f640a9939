import ImageArchive
import Testing
import TestSupport

/// Tarballs as Docker 25+, jib and multi-platform saves write them, and tar headers Go's
/// archive/tar refuses (`fixtures/make-reader-cases.py`): each read or refused as the case
/// says, with an error that says what the input is.
@Suite struct OtherToolsInputTests {
    static let cases: [Fixtures.ReaderCase] = (try? Fixtures.readerCases().cases) ?? []

    @Test func casesWereGenerated() throws {
        #expect(try Fixtures.readerCases().cases.count >= 15)
    }

    @Test(arguments: cases.map(\.file))
    func readerCase(file: String) throws {
        let (directory, cases) = try Fixtures.readerCases()
        let readerCase = try #require(cases.first { $0.file == file })
        let reading = try ArchiveReading()
        if readerCase.expectation == "accept" {
            let loaded = try reading.read(directory + "/" + file, image: readerCase.image)
            #expect(loaded.notes.allSatisfy { !$0.contains("left out") }, "\(readerCase.case)")
            return
        }
        do {
            _ = try reading.read(directory + "/" + file, image: readerCase.image)
            Issue.record("\(readerCase.case): accepted, should be refused")
        } catch let error as ArchiveError {
            let message = error.description
            for part in readerCase.errorContains {
                #expect(message.contains(part), "\(readerCase.case): '\(message)' should say '\(part)'")
            }
            for part in readerCase.errorExcludes {
                #expect(!message.contains(part), "\(readerCase.case): '\(message)' should not say '\(part)'")
            }
        }
    }
}
