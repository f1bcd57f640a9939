import Foundation
import Testing
import TestSupport

/// Bad input and bad usage give the documented exit statuses and leave nothing behind.
@Suite struct ExitStatusTests {
    @Test func hostileInputsExitWithThreeAndLeaveNoPartialOutput() throws {
        let (directory, cases) = try Fixtures.hostileCases()
        let outsideMarkers = ["/tmp/evil", "/etc/x"]
        let before = outsideMarkers.filter { FileManager.default.fileExists(atPath: $0) }
        for hostile in cases {
            let output = try TemporaryDirectory("hostile-out")
            let result = try CLI.publishLocally(directory + "/" + hostile.file, output: output.path)
            if hostile.expectation == "accept" {
                #expect(result.status == 0, "\(hostile.file): \(result.stderr)")
                continue
            }
            #expect(result.status == 3, "\(hostile.file): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: "), "\(hostile.file)")
            #expect(!result.stderr.contains("Fatal error"), "\(hostile.file)")
            let left = try FileManager.default.contentsOfDirectory(atPath: output.path)
            #expect(left.isEmpty, "\(hostile.file) left \(left)")
        }
        #expect(outsideMarkers.filter { FileManager.default.fileExists(atPath: $0) } == before)
    }

    @Test func aFailedRunKeepsThePreviousLayout() throws {
        let output = try TemporaryDirectory("keep")
        #expect(try CLI.publishLocally(Paths.fixtureImage("sample-docker-classic.tar"), output: output.path).status == 0)
        let before = try DirectorySnapshot.files(output.file("image"))
        let (directory, _) = try Fixtures.hostileCases()
        #expect(try CLI.publishLocally(directory + "/diffid-mismatch.tar", output: output.path).status == 3)
        #expect(try DirectorySnapshot.files(output.file("image")) == before)
    }

    @Test(arguments: [
        ["publish", "x.tar", "--no-push", "--output", "/tmp/x"],                          // no repository
        ["publish", "x.tar", "--repository", "Bad_Name!", "--no-push", "--output", "/tmp/x"],
        ["publish", "x.tar", "--repository", "team/app", "--no-push"],                    // no output
        ["publish", "x.tar", "--repository", "team/app", "--no-push", "--output", "/tmp/x", "--compression-level", "13"],
        ["publish", "x.tar", "--repository", "team/app", "--no-push", "--output", "/tmp/x", "--manifest-format", "v1"],
        ["publish", "x.tar", "--repository", "team/app", "--no-push", "--output", "/tmp/x", "--tag", "-bad"],
        ["publish", "x.tar", "--repository", "team/app"],                                 // push: no region
        ["no-such-command"],
    ])
    func usageErrorsExitWithTwo(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test func helpAndVersionExitWithZero() throws {
        let help = try CLI.run(["publish", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--compression-level"))
        #expect(try CLI.run(["--version"]).status == 0)
    }

    @Test func missingFileExitsWithThree() throws {
        let output = try TemporaryDirectory("missing")
        let result = try CLI.publishLocally("/nonexistent/image.tar", output: output.path)
        #expect(result.status == 3)
        #expect(result.stderr.contains("cannot open /nonexistent/image.tar"))
    }
}
