import Foundation

/// A server started for a test, stopped (SIGTERM, then SIGKILL) when released, and never
/// left running after the test process: it runs under `Tests/Servers/lifeline.py`, which
/// stops it when the pipe this object holds closes, whether the test process exits, crashes
/// or is killed.
public final class ServerProcess: @unchecked Sendable {
    public let process: Process
    public let port: Int
    /// The write end of the lifeline's stdin: closing it stops the server.
    private let lifeline: Pipe
    private let logPath: String
    private let directory: TemporaryDirectory

    /// Starts `executable` and waits until it prints `READY <port>` (the protocol of
    /// `Tests/Servers/*.py`).
    public static func startReporting(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ServerProcess {
        try ServerProcess(executable, arguments, environment: environment, port: nil)
    }

    /// Starts `executable` on a port chosen beforehand and waits until it accepts connections.
    public static func start(_ executable: String, _ arguments: [String], port: Int, environment: [String: String]? = nil) throws -> ServerProcess {
        try ServerProcess(executable, arguments, environment: environment, port: port)
    }

    private init(_ executable: String, _ arguments: [String], environment: [String: String]?, port fixedPort: Int?) throws {
        directory = try TemporaryDirectory("server")
        logPath = directory.file("log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        let program = executable.contains("/") ? executable : try Tool.which(executable).orThrow(ToolError.missing(executable))
        process.executableURL = URL(fileURLWithPath: try Tool.which("python3").orThrow(ToolError.missing("python3")))
        process.arguments = [TestServers.script("lifeline.py"), program] + arguments
        if var environment {
            // The mark `.ci/test.sh` finds left-over servers of its run by.
            environment[RunningServers.runMark] = ProcessInfo.processInfo.environment[RunningServers.runMark]
            process.environment = environment
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardError = log
        lifeline = Pipe()
        process.standardInput = lifeline
        let stdout = Pipe()
        process.standardOutput = fixedPort == nil ? stdout : log
        try process.run()
        self.process = process
        RunningServers.register(process)
        if let fixedPort {
            port = fixedPort
            try Self.waitForConnection(port: fixedPort, process: process, log: logPath)
        } else {
            port = try Self.readReadyLine(stdout.fileHandleForReading, process: process, log: logPath)
        }
    }

    deinit { stop() }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Closes the lifeline (the server gets SIGTERM, SIGKILL 2 s later) and waits; the
    /// lifeline's whole process group is killed if it has not gone in 5 s.
    public func stop() {
        try? lifeline.fileHandleForWriting.close()
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { RunningServers.killGroup(of: pid) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 5, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
    }

    /// What the server wrote to stderr (and stdout, for fixed-port servers).
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    private static func readReadyLine(_ handle: FileHandle, process: Process, log: String) throws -> Int {
        var buffer = Data()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty {
                guard process.isRunning else { break }
                usleep(20_000)
                continue
            }
            buffer.append(chunk)
            if let text = String(data: buffer, encoding: .utf8), let line = text.split(separator: "\n").first,
               text.contains("\n") {
                guard line.hasPrefix("READY "), let port = Int(line.dropFirst(6)) else { break }
                return port
            }
        }
        RunningServers.killGroup(of: process.processIdentifier)
        throw ToolError.failed(process.arguments?.dropFirst().first ?? "server", status: -1,
                               output: "did not report READY: " + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
    }

    private static func waitForConnection(port: Int, process: Process, log: String) throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if FreePort.isListening(port) { return }
            guard process.isRunning else { break }
            usleep(100_000)
        }
        RunningServers.killGroup(of: process.processIdentifier)
        throw ToolError.failed(process.arguments?.dropFirst().first ?? "server", status: -1,
                               output: "did not listen on \(port): " + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
    }
}

/// Loopback ports for servers that need one given to them.
public enum FreePort {
    /// A port the kernel just handed out on 127.0.0.1 (released before returning).
    public static func pick() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ToolError.failed("socket", status: errno, output: "") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw ToolError.failed("bind", status: errno, output: "") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func isListening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// The Python servers of `Tests/Servers`.
public enum TestServers {
    public static func script(_ name: String) -> String { Paths.repositoryRoot + "/Tests/Servers/" + name }

    public static func start(_ name: String, _ arguments: [String]) throws -> ServerProcess {
        try ServerProcess.startReporting("python3", [script(name)] + arguments)
    }
}

/// Every server a test process started, stopped when the process exits, so servers shared
/// by a whole suite (static) do not outlive the test run. (Should the process die without
/// running exit handlers, the lifelines of `ServerProcess` still stop their servers.)
enum RunningServers {
    /// Set by `.ci/test.sh` to a value unique to the run, passed on to every server.
    static let runMark = "ECR_PUBLISH_TEST_RUN"

    nonisolated(unsafe) private static var processes: [Process] = []
    nonisolated(unsafe) private static var daemons: [Int32] = []
    private static let lock = NSLock()
    private static let installHandler: Void = {
        atexit {
            RunningServers.stopAll()
        }
    }()

    static func register(_ process: Process) {
        _ = installHandler
        lock.lock()
        processes.append(process)
        lock.unlock()
    }

    /// A server that is not our child (a daemon), stopped by its process id.
    static func register(pid: Int32) {
        _ = installHandler
        lock.lock()
        daemons.append(pid)
        lock.unlock()
    }

    /// SIGKILL to the process group a server (or its lifeline) leads; to the process alone
    /// when it leads none, so nothing else is ever hit.
    static func killGroup(of pid: Int32) {
        guard pid > 0 else { return }
        if getpgid(pid) == pid { kill(-pid, SIGKILL) } else { kill(pid, SIGKILL) }
    }

    /// SIGTERM to every server still running, SIGKILL to whatever is left a second later.
    static func stopAll() {
        lock.lock()
        let pids = processes.filter(\.isRunning).map(\.processIdentifier) + daemons
        lock.unlock()
        for pid in pids { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(1)
        while Date() < deadline, pids.contains(where: { kill($0, 0) == 0 && !isZombie($0) }) { usleep(20_000) }
        for pid in pids where kill(pid, 0) == 0 { killGroup(of: pid) }
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
