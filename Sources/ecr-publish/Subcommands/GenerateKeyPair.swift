import ArgumentParser
import Crypto
import Foundation

extension ECRPublish {
    struct GenerateKeyPair: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-key-pair",
            abstract: "Write an ECDSA P-256 key pair in cosign's format (PREFIX.key, PREFIX.pub).",
            discussion: """
                PREFIX.key is cosign's encrypted private key (ENCRYPTED SIGSTORE PRIVATE KEY: \
                scrypt and NaCl secretbox), readable by `cosign sign --key`; PREFIX.pub is the \
                PEM public key for `cosign verify --key` and admission controllers. The \
                passphrase comes from COSIGN_PASSWORD (an empty value means none), or is asked \
                twice on a terminal. Existing files are kept unless --force.
                """)

        @Option(name: .long, help: ArgumentHelp("Path prefix of the two files.", valueName: "prefix"))
        var outputPrefix = "cosign"

        @Flag(name: .long, help: "Overwrite existing files.")
        var force = false

        func run() throws {
            let keyPath = outputPrefix + ".key"
            let publicPath = outputPrefix + ".pub"
            if !force {
                for path in [keyPath, publicPath] where FileManager.default.fileExists(atPath: path) {
                    throw KeyCommandError.exists(path)
                }
            }
            var passphrase = try Passphrase.forNewKey()
            defer { wipe(&passphrase) }
            let key = try ECDSAPrivateKey.generate()
            let keyFile = try CosignKeyFile.pem(for: key, passphrase: passphrase)
            try KeyFiles.write(keyFile, to: keyPath, permissions: 0o600)
            try KeyFiles.write(try key.publicKey().pem(), to: publicPath, permissions: 0o644)
            print("Private key written to \(keyPath)")
            print("Public key written to \(publicPath)")
        }
    }
}

/// Problems with key files and passphrases on the command line.
enum KeyCommandError: Error, CustomStringConvertible {
    case exists(String)
    case noPassphrase
    case mismatch
    case write(String, String)

    var description: String {
        switch self {
        case .exists(let path): return "\(path) already exists; pass --force to overwrite it, or choose another --output-prefix"
        case .noPassphrase: return "no passphrase: set COSIGN_PASSWORD (empty for none) or run on a terminal to be asked"
        case .mismatch: return "the two passphrases differ; nothing was written"
        case .write(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Where a key's passphrase comes from: COSIGN_PASSWORD, else a prompt on the terminal.
enum Passphrase {
    static func forNewKey() throws -> [UInt8] {
        if let value = ProcessInfo.processInfo.environment["COSIGN_PASSWORD"] { return Array(value.utf8) }
        guard isatty(STDIN_FILENO) == 1 else { throw KeyCommandError.noPassphrase }
        var first = prompt("Enter password for private key: ")
        defer { wipe(&first) }
        var second = prompt("Enter password for private key again: ")
        defer { wipe(&second) }
        guard first == second else { throw KeyCommandError.mismatch }
        return first
    }

    /// Reads a line with echo off (getpass).
    static func prompt(_ text: String) -> [UInt8] {
        guard let line = getpass(text) else { return [] }
        let length = strlen(line)
        let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(line).assumingMemoryBound(to: UInt8.self), count: length))
        memset(line, 0, length)
        return bytes
    }
}

/// Writes key files with their permissions from the start (no window where a private key is
/// readable by others), refusing to follow a symlink at the destination.
enum KeyFiles {
    static func write(_ text: String, to path: String, permissions: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw KeyCommandError.write(path, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        guard fchmod(descriptor, permissions) == 0 else { throw KeyCommandError.write(path, String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard n > 0 else { throw KeyCommandError.write(path, String(cString: strerror(errno))) }
            offset += n
        }
    }
}
