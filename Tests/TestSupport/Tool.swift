import Foundation

/// Errors running external tools in tests.
public enum ToolError: Error, CustomStringConvertible {
    case missing(String)
    case failed(String, status: Int32, output: String)

    public var description: String {
        switch self {
        case .missing(let tool):
            return "\(tool) is not installed; run the test command of README.md, which installs it"
        case .failed(let command, let status, let output):
            return "\(command) exited with \(status): \(output)"
        }
    }
}

/// The outcome of running a process.
public struct ToolResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutData: Data
}

/// Runs real tools (skopeo, python3, the ecr-publish binary) from tests.
public enum Tool {
    /// Finds `name` on PATH.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` (a path, or a name on PATH) and waits for it.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        replacingEnvironment: Bool = false, directory: String? = nil, stdin: String? = nil
    ) throws -> ToolResult {
        let path = executable.contains("/") ? executable : try which(executable).orThrow(ToolError.missing(executable))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment {
            process.environment = replacingEnvironment
                ? environment : ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let temporary = try TemporaryDirectory("tool-output")
        let outPath = temporary.file("stdout"), errPath = temporary.file("stderr")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(stdin.utf8))
            try pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdoutData = FileManager.default.contents(atPath: outPath) ?? Data()
        let stderrData = FileManager.default.contents(atPath: errPath) ?? Data()
        return ToolResult(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self),
            stdoutData: stdoutData)
    }

    /// Runs and requires exit status 0.
    @discardableResult
    public static func check(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        replacingEnvironment: Bool = false, directory: String? = nil
    ) throws -> ToolResult {
        let result = try run(executable, arguments, environment: environment, replacingEnvironment: replacingEnvironment, directory: directory)
        guard result.status == 0 else {
            throw ToolError.failed(
                ([executable] + arguments).joined(separator: " "), status: result.status,
                output: String((result.stderr + result.stdout).suffix(2000)))
        }
        return result
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> any Error) throws -> Wrapped {
        guard let value = self else { throw error() }
        return value
    }
}
