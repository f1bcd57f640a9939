import Foundation
import StreamIO
import Testing

/// The one runner of other programs: bounded output, both pipes read at once, standard input
/// fed without risking SIGPIPE, a timeout that kills.
struct ChildProcessTests {
    @Test func standardInputReachesTheProgramAndBothOutputsComeBack() throws {
        var process = ChildProcess.shell("tr a-z A-Z; echo oops >&2; exit 3")
        process.stdin = Array("server.example\n".utf8)
        let output = try process.run()
        #expect(output.status == 3)
        #expect(output.stdoutText == "SERVER.EXAMPLE\n")
        #expect(output.stderrText == "oops\n")
        #expect(!output.timedOut && !output.stdoutTruncated && !output.stderrTruncated)
    }

    @Test func aProgramThatNeverReadsItsInputDoesNotEndTheCaller() throws {
        var process = ChildProcess.shell("exit 0")
        process.stdin = [UInt8](repeating: 0x61, count: 4 << 20)  // far more than a pipe holds
        #expect(try process.run().status == 0)
    }

    @Test func standardOutputPastItsLimitKillsTheProgram() throws {
        var process = ChildProcess.shell("yes")
        process.stdoutLimit = 1000
        let output = try process.run()
        #expect(output.stdoutTruncated)
        #expect(output.stdout.count == 1000)
    }

    @Test func standardErrorPastItsLimitIsDroppedWhileTheProgramRunsOn() throws {
        var process = ChildProcess.shell("head -c 300000 /dev/zero >&2; echo done")
        process.stderrLimit = 100
        let output = try process.run()
        #expect(output.status == 0)
        #expect(output.stderrTruncated && output.stderr.count == 100)
        #expect(output.stdoutText == "done\n")
    }

    @Test func aProgramPastItsTimeoutIsKilled() throws {
        var process = ChildProcess.shell("exec sleep 30")
        process.timeout = .milliseconds(300)
        let output = try process.run()
        #expect(output.timedOut)
        #expect(output.status == SIGKILL)
    }

    @Test func aMissingProgramIsALaunchFailure() {
        #expect(throws: ChildProcess.LaunchFailure.self) { try ChildProcess(executable: "/nonexistent/tool").run() }
    }
}

extension ChildProcessTests {
    @Test func aChildThatOutlivesTheProgramDoesNotHoldTheCaller() throws {
        var process = ChildProcess.shell("sleep 30 & echo started")
        process.timeout = .seconds(20)
        let output = try process.run()
        #expect(output.status == 0 && !output.timedOut)
        #expect(output.stdoutText == "started\n")
    }
}
