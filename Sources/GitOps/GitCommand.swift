import Foundation
import StreamIO

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

    /// The most standard output kept from one git command (a diff, a file list).
    static let outputLimit = 64 << 20

    @discardableResult
    func run(_ arguments: [String], allowFailure: Bool = false) throws -> Output {
        // No prompts, no stored credentials, no hooks of the cloned repository.
        var process = ChildProcess.onPath("git", ["-c", "credential.helper=", "-c", "core.hooksPath=/dev/null",
                                                  "-c", "advice.detachedHead=false"] + arguments)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        environment.merge(self.environment) { $1 }
        process.environment = environment
        process.directory = directory
        process.stdoutLimit = Self.outputLimit
        process.stderrLimit = 1 << 20
        let output: ChildProcess.Output
        do {
            output = try process.run()
        } catch {
            throw GitOpsError.git(command: arguments.first ?? "", status: -1, output: "cannot run git: \(error)")
        }
        if output.stdoutTruncated {
            throw GitOpsError.git(command: arguments.first ?? "", status: -1,
                                  output: "git printed more than \(Self.outputLimit >> 20) MiB; the repository is too large to update")
        }
        let result = Output(status: output.status, stdout: redact(output.stdoutText), stderr: redact(output.stderrText))
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
