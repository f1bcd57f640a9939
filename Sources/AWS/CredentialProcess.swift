import Foundation
import StreamIO

/// Runs a profile's `credential_process` (through `/bin/sh -c`, as the SDKs run it on Unix)
/// and reads its JSON: `Version` must be 1, and credentials whose `Expiration` has passed are
/// refused. A failing process's stderr goes into the error, cut to `stderrLimit`: it is the
/// process's own diagnostic, never the credentials it would have printed on stdout.
enum CredentialProcess {
    static let stdoutLimit = 1 << 20
    static let stderrLimit = 1024

    static func run(_ command: String, source: String, now: @escaping @Sendable () -> Date = Date.init) async throws -> AWSCredentials {
        let source = "\(source) credential_process"
        let output = try await Blocking.run { try execute(command) }
        guard output.status == 0 || output.truncated else {
            let diagnostic = Self.diagnostic(output.stderr)
            throw CredentialError.invalid(
                source: source,
                detail: "the command exited with status \(output.status)" + (diagnostic.isEmpty ? "" : ": \(diagnostic)"))
        }
        guard !output.truncated else {
            throw CredentialError.invalid(source: source, detail: "the command printed more than \(stdoutLimit >> 20) MiB")
        }
        guard let version = (try? JSONDecoder().decode(JSONCredentials.Body.self, from: Data(output.stdout)))?.Version else {
            throw CredentialError.invalid(source: source, detail: "the output has no \"Version\": 1 (the credential_process format)")
        }
        guard version == 1 else {
            throw CredentialError.invalid(source: source, detail: "the output has \"Version\": \(version); only version 1 is defined")
        }
        let credentials = try JSONCredentials.parse(output.stdout, source: source)
        if let expiration = credentials.expiration, expiration <= now() {
            throw CredentialError.invalid(
                source: source,
                detail: "the credentials expired at \(ISO8601DateFormatter().string(from: expiration)); the command must print fresh ones")
        }
        return credentials
    }

    private struct Output: Sendable {
        var status: Int32
        var stdout: [UInt8]
        var truncated: Bool
        var stderr: [UInt8]
    }

    private static func execute(_ command: String) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CredentialError.invalid(source: "credential_process", detail: "cannot start /bin/sh (\(error.localizedDescription))")
        }
        // stderr on its own thread, so a chatty process cannot block on a full pipe.
        let diagnostics = BoundedReader(stderr.fileHandleForReading, limit: stderrLimit, drain: true)
        let reading = Thread { diagnostics.readAll() }
        reading.start()
        let output = BoundedReader(stdout.fileHandleForReading, limit: stdoutLimit, drain: false)
        output.readAll()
        if output.truncated { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        diagnostics.waitUntilDone()
        return Output(status: process.terminationStatus, stdout: output.bytes, truncated: output.truncated, stderr: diagnostics.bytes)
    }

    /// The stderr text as one line of printable characters.
    static func diagnostic(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let printable = text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : String($0) }.joined()
        let line = printable.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return bytes.count >= stderrLimit ? line + " …" : line
    }
}

/// Reads a pipe, keeping at most `limit` bytes; past the limit it drains and drops the rest
/// (`drain`) or stops reading.
private final class BoundedReader: @unchecked Sendable {
    private let handle: FileHandle
    private let limit: Int
    private let drain: Bool
    private let done = DispatchSemaphore(value: 0)
    private(set) var bytes: [UInt8] = []
    private(set) var truncated = false

    init(_ handle: FileHandle, limit: Int, drain: Bool) {
        self.handle = handle
        self.limit = limit
        self.drain = drain
    }

    func readAll() {
        defer { done.signal() }
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return }
            let room = limit - bytes.count
            if chunk.count > room {
                bytes += chunk.prefix(room)
                truncated = true
                if !drain { return }
            } else {
                bytes += chunk
            }
        }
    }

    func waitUntilDone() { done.wait() }
}
