import Foundation
import StreamIO

/// A Docker credential helper (`docker-credential-NAME`, found on `PATH`), run as Docker
/// runs it: `get`, the server on standard input, `{"Username": …, "Secret": …}` on standard
/// output. Bounded: 64 KiB of output, 30 seconds. Its standard error and a failure's output
/// go into errors cut to one short line; the secret never does.
struct CredentialHelper {
    let name: String
    let environment: [String: String]
    var timeout = 30
    static let outputLimit = 64 << 10

    func get(_ server: String) async throws -> RegistryCredentials? {
        let program = "docker-credential-" + name
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 < 0x80 && (Character(UnicodeScalar($0)).isLetter
            || Character(UnicodeScalar($0)).isNumber || "._-".utf8.contains($0)) }) else {
            throw RegistryError.credentials(registry: server, detail: "the credential helper name '\(name)' is not a plain program name")
        }
        guard let executable = Self.find(program, path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            throw RegistryError.credentials(registry: server, detail: "the Docker config names the credential helper \(program), which is not on PATH")
        }
        var process = ChildProcess(executable: executable, arguments: ["get"])
        process.environment = environment
        process.stdin = Array(server.utf8)
        process.stdoutLimit = Self.outputLimit
        process.stderrLimit = 1024
        process.timeout = .seconds(timeout)
        let output: ChildProcess.Output
        do {
            output = try await Blocking.run { [process] in try process.run() }
        } catch {
            throw RegistryError.credentials(registry: server, detail: "cannot run \(program): \(error)")
        }
        if output.timedOut {
            throw RegistryError.credentials(registry: server, detail: "\(program) did not answer within \(timeout) seconds")
        }
        if output.stdoutTruncated {
            throw RegistryError.credentials(registry: server, detail: "\(program) printed more than 64 KiB")
        }
        let text = String(decoding: output.stdout, as: UTF8.self)
        guard output.status == 0 else {
            // The helpers' own wording for "no credentials stored for this server".
            if text.contains("credentials not found") { return nil }
            let said = Self.oneLine(output.stderr.isEmpty ? output.stdout : output.stderr)
            throw RegistryError.credentials(registry: server, detail: "\(program) get exited with status \(output.status)" + (said.isEmpty ? "" : ": \(said)"))
        }
        struct Answer: Decodable {
            var Username: String?
            var Secret: String?
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(output.stdout)), let secret = answer.Secret else {
            throw RegistryError.credentials(registry: server, detail: "\(program) get printed no {\"Username\", \"Secret\"} JSON")
        }
        return RegistryCredentials(username: answer.Username ?? "", secret: secret, source: program)
    }

    static func find(_ program: String, path: String) -> String? {
        for directory in path.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func oneLine(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(300), as: UTF8.self)
        return text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : String($0) }.joined()
            .split(separator: " ").joined(separator: " ")
    }
}
