import Foundation

/// OpenSSH's `sshd` on loopback with a fresh host key and one client key: the transport of
/// `ssh://` git URLs, as a GitOps pipeline with a deploy key uses it.
public final class SSHServer: @unchecked Sendable {
    public let port: Int
    public let directory: TemporaryDirectory
    private let pid: Int32
    /// The user that can log in (the one running the tests).
    public let user: String

    public init() throws {
        directory = try TemporaryDirectory("sshd")
        let root = directory.path
        try Tool.check("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", root + "/host_key"])
        try Tool.check("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", root + "/client_key"])
        try FileManager.default.copyItem(atPath: root + "/client_key.pub", toPath: root + "/authorized_keys")
        user = try Tool.check("id", ["-un"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let port = try FreePort.pick()
        self.port = port
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(root)/host_key
            AuthorizedKeysFile \(root)/authorized_keys
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            PidFile \(root)/sshd.pid

            """
        try config.write(toFile: root + "/sshd_config", atomically: true, encoding: .utf8)
        // Privilege separation needs this directory (Debian creates it at boot).
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        // sshd runs as a daemon: kept as a child (-D), it stops Foundation's Process from
        // noticing the exits of later children.
        try Tool.check("/usr/sbin/sshd", ["-f", root + "/sshd_config", "-E", root + "/sshd.log"])
        var pid: Int32 = 0
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: root + "/sshd.pid", encoding: .utf8),
               let value = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), FreePort.isListening(port) {
                pid = value
                break
            }
            usleep(50_000)
        }
        guard pid > 0 else {
            throw ToolError.failed("sshd", status: -1, output: (try? String(contentsOfFile: root + "/sshd.log", encoding: .utf8)) ?? "")
        }
        self.pid = pid
        RunningServers.register(pid: pid)
    }

    deinit { kill(pid, SIGTERM) }

    /// What sshd logged.
    public var log: String { (try? String(contentsOfFile: directory.path + "/sshd.log", encoding: .utf8)) ?? "" }

    /// `GIT_SSH_COMMAND` that logs in with the client key and trusts this server.
    public var gitSSHCommand: String {
        "ssh -i \(directory.path)/client_key -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"
    }

    /// The `ssh://` URL of a repository at an absolute path.
    public func url(_ path: String) -> String { "ssh://\(user)@127.0.0.1:\(port)\(path)" }
}
