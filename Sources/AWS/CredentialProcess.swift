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
        guard output.status == 0 || output.stdoutTruncated else {
            let diagnostic = Self.diagnostic(output.stderr)
            throw CredentialError.invalid(
                source: source,
                detail: "the command exited with status \(output.status)" + (diagnostic.isEmpty ? "" : ": \(diagnostic)"))
        }
        guard !output.stdoutTruncated else {
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

    private static func execute(_ command: String) throws -> ChildProcess.Output {
        var process = ChildProcess.shell(command)
        process.stdoutLimit = stdoutLimit
        process.stderrLimit = stderrLimit
        do {
            return try process.run()
        } catch let failure as ChildProcess.LaunchFailure {
            throw CredentialError.invalid(source: "credential_process", detail: failure.description)
        }
    }

    /// The stderr text as one line of printable characters.
    static func diagnostic(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let printable = text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : String($0) }.joined()
        let line = printable.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return bytes.count >= stderrLimit ? line + " …" : line
    }
}
