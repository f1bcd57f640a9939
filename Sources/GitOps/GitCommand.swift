import Foundation

/// Runs the `git` CLI: the user's git, with their SSH setup, proxies and credential
/// conventions, rather than a reimplementation.
struct GitCommand: Sendable {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The working tree (nil for commands that need none, like clone).
    var directory: String?
    /// Added to the inherited environment.
    var environment: [String: String]
    /// Values to cut out of anything shown (the token).
    var secrets: [String]

    @discardableResult
    func run(_ arguments: [String], allowFailure: Bool = false) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // No prompts, no stored credentials, no hooks of the cloned repository.
        process.arguments = ["git", "-c", "credential.helper=", "-c", "core.hooksPath=/dev/null",
                             "-c", "advice.detachedHead=false"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        environment.merge(self.environment) { $1 }
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw GitOpsError.git(command: arguments.first ?? "", status: -1, output: "cannot run git: \(error)")
        }
        // Read both pipes concurrently so neither fills up.
        let errorData = LockedData()
        let errorRead = DispatchSemaphore(value: 0)
        let reader = Thread {
            errorData.set(err.fileHandleForReading.readDataToEndOfFile())
            errorRead.signal()
        }
        reader.start()
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorRead.wait()
        let result = Output(
            status: process.terminationStatus,
            stdout: redact(String(decoding: outputData, as: UTF8.self)),
            stderr: redact(String(decoding: errorData.value, as: UTF8.self)))
        if result.status != 0 && !allowFailure {
            let lowered = result.stderr.lowercased()
            if ["authentication failed", "could not read username", "could not read password", "permission denied (publickey",
                "http basic: access denied", "returned error: 401", "returned error: 403"].contains(where: lowered.contains) {
                throw GitOpsError.authentication(
                    result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init) ?? "denied")
            }
            throw GitOpsError.git(
                command: arguments.first ?? "", status: result.status,
                output: result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").suffix(6).joined(separator: " | "))
        }
        return result
    }

    func redact(_ text: String) -> String {
        secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?

    func set(_ value: Data) {
        lock.lock()
        data = value
        lock.unlock()
    }

    var value: Data {
        lock.lock()
        defer { lock.unlock() }
        return data ?? Data()
    }
}
