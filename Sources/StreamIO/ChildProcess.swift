import CSpawn
import Foundation

/// Runs a program to its end with bounded output: the one way ecr-publish starts another
/// program (`git`, a profile's `credential_process`, a Docker credential helper).
///
/// Standard output and standard error are read at the same time, so a chatty program never
/// blocks on a full pipe, and each is kept up to its limit: past the limit, standard error is
/// read and dropped, standard output ends the program (its answer is refused anyway).
/// Standard input is the given bytes, or `/dev/null`. A program still running after
/// `timeout` is killed. The call blocks: run it through ``Blocking``.
public struct ChildProcess: Sendable {
    public struct Output: Sendable {
        /// The exit status (or the signal number for a program that was killed).
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        /// Standard output passed `stdoutLimit`; the program was killed.
        public var stdoutTruncated: Bool
        /// Standard error passed `stderrLimit`; the rest was dropped.
        public var stderrTruncated: Bool
        /// The program was killed after the timeout.
        public var timedOut: Bool

        /// Standard output as text (UTF-8, invalid bytes replaced).
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        /// Standard error as text (UTF-8, invalid bytes replaced).
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// The program could not be started at all.
    public struct LaunchFailure: Error, CustomStringConvertible {
        public var executable: String
        public var reason: String
        public var description: String { "cannot start \(executable) (\(reason))" }
    }

    public var executable: String
    public var arguments: [String]
    /// The whole environment when set; otherwise this process's.
    public var environment: [String: String]?
    public var directory: String?
    public var stdin: [UInt8]?
    public var stdoutLimit = 16 << 20
    public var stderrLimit = 64 << 10
    public var timeout: Duration?

    /// How long the pipes are still read after the program ends (Go's `exec.Cmd.WaitDelay`).
    static let pipeGrace = DispatchTimeInterval.seconds(2)

    public init(executable: String, arguments: [String] = []) {
        self.executable = executable
        self.arguments = arguments
    }

    /// Runs `command` through `/bin/sh -c`, as shells and the AWS SDKs run a configured command.
    public static func shell(_ command: String) -> ChildProcess {
        ChildProcess(executable: "/bin/sh", arguments: ["-c", command])
    }

    /// Runs `name` found on `PATH` (through `/usr/bin/env`).
    public static func onPath(_ name: String, _ arguments: [String]) -> ChildProcess {
        ChildProcess(executable: "/usr/bin/env", arguments: [name] + arguments)
    }

    public func run() throws -> Output {
        let output = try Pipe2(), diagnostics = try Pipe2()
        let input = try stdin.map { _ in try Pipe2() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, diagnostics.write, 2)
        // Nothing else of this process: not a file another thread is writing (a script it is
        // about to run would be "text file busy"), not a socket.
        cspawn_addclosefrom(&actions, 3)
        if let directory { cspawn_addchdir(&actions, directory) }
        // Its own process group, so a timeout or a refused answer ends the program's children
        // too; default signal handling, whatever this process ignores.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigaddset(&signals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &signals)

        let environment = (self.environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let started = CStrings([executable] + arguments).withPointers { argv in
            CStrings(environment).withPointers { envp in posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
        }
        for descriptor in [output.write, diagnostics.write, input?.read].compactMap({ $0 }) { close(descriptor) }
        guard started == 0 else {
            for descriptor in [output.read, diagnostics.read, input?.write].compactMap({ $0 }) { close(descriptor) }
            let shown = executable == "/usr/bin/env" ? (arguments.first ?? executable) : executable
            throw LaunchFailure(executable: shown, reason: String(cString: strerror(started)))
        }
        if let input, let bytes = stdin { Self.feed(bytes, to: input.write) }
        let group = -pid
        let killer = timeout.map { Watchdog(group: group, after: $0) }
        let stderrReader = BoundedReader(diagnostics.read, limit: stderrLimit, drain: true)
        let stdoutReader = BoundedReader(output.read, limit: stdoutLimit, drain: false)
        Thread { stderrReader.readAll() }.start()
        Thread {
            stdoutReader.readAll()
            if stdoutReader.snapshot.truncated { kill(group, SIGKILL) }
        }.start()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // The program's children may hold the pipes open after it ends (a daemon it started):
        // keep what they write within a grace period, then end them (Go's exec.Cmd.WaitDelay).
        let grace = DispatchTime.now() + Self.pipeGrace
        if !stdoutReader.waitUntilDone(deadline: grace) || !stderrReader.waitUntilDone(deadline: grace) {
            kill(group, SIGKILL)
            stdoutReader.waitUntilDone()
            stderrReader.waitUntilDone()
        }
        killer?.cancel()
        let (stdout, stdoutTruncated) = stdoutReader.snapshot
        let (stderr, stderrTruncated) = stderrReader.snapshot
        let signal = status & 0x7f
        return Output(
            status: signal == 0 ? (status >> 8) & 0xff : signal, stdout: stdout, stderr: stderr,
            stdoutTruncated: stdoutTruncated, stderrTruncated: stderrTruncated, timedOut: killer?.fired ?? false)
    }

    /// Writes standard input on its own thread (a program may read it late, or never), with
    /// SIGPIPE blocked there: a program that exits without reading gives EPIPE, not a signal
    /// that would end ecr-publish.
    private static func feed(_ bytes: [UInt8], to descriptor: Int32) {
        let writer = Thread {
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            var offset = 0
            bytes.withUnsafeBytes { buffer in
                while offset < buffer.count {
                    let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(descriptor)
        }
        writer.start()
    }
}

/// A pipe whose ends are closed on exec (the child gets only the ends dup'ed to 0, 1, 2).
private struct Pipe2 {
    let read: Int32
    let write: Int32

    init() throws {
        var ends: [Int32] = [0, 0]
        guard cspawn_pipe_cloexec(&ends) == 0 else {
            throw ChildProcess.LaunchFailure(executable: "a pipe", reason: String(cString: strerror(errno)))
        }
        read = ends[0]
        write = ends[1]
    }
}

/// NUL-terminated copies of strings for `posix_spawn`'s argv and envp.
private struct CStrings {
    let strings: [String]
    init(_ strings: [String]) { self.strings = strings }

    func withPointers<R>(_ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}

/// Kills a process that outlives its time.
private final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var didFire = false

    init(group: pid_t, after timeout: Duration) {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            lock.lock()
            defer { lock.unlock() }
            guard !cancelled else { return }
            didFire = true
            kill(group, SIGKILL)
        }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    var fired: Bool {
        lock.lock()
        defer { lock.unlock() }
        return didFire
    }
}

/// Reads a pipe on a thread of its own, keeping at most `limit` bytes; past the limit it
/// drains and drops the rest (`drain`) or stops reading. What it read so far can be taken at
/// any time. Closes the pipe when done.
private final class BoundedReader: @unchecked Sendable {
    private let descriptor: Int32
    private let limit: Int
    private let drain: Bool
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var truncated = false

    init(_ descriptor: Int32, limit: Int, drain: Bool) {
        self.descriptor = descriptor
        self.limit = limit
        self.drain = drain
    }

    func readAll() {
        defer {
            close(descriptor)
            done.signal()
        }
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            lock.lock()
            let room = max(limit - bytes.count, 0)
            let full = count > room
            bytes += chunk[0..<(full ? room : count)]
            if full { truncated = true }
            lock.unlock()
            if full && !drain { return }
        }
    }

    /// Whether the reader finished by `deadline` (forever when nil).
    @discardableResult
    func waitUntilDone(deadline: DispatchTime = .distantFuture) -> Bool {
        guard done.wait(timeout: deadline) == .success else { return false }
        done.signal()  // later waits return at once
        return true
    }

    var snapshot: (bytes: [UInt8], truncated: Bool) {
        lock.lock()
        defer { lock.unlock() }
        return (bytes, truncated)
    }
}
