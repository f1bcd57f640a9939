import Foundation

/// A bare git repository on disk seeded with files: the GitOps remote of a test.
public final class GitRemote: @unchecked Sendable {
    public let directory: TemporaryDirectory
    /// The bare repository (`…/remote.git`).
    public let path: String

    /// Creates `remote.git` with one commit on `branch` holding `files` (path → content) and
    /// `bytes` (path → raw content, for files that are not UTF-8).
    public init(files: [String: String], bytes: [String: [UInt8]] = [:], branch: String = "main") throws {
        directory = try TemporaryDirectory("gitops")
        path = directory.file("remote.git")
        try Self.git(["init", "--quiet", "--bare", "--initial-branch", branch, path])
        let seed = directory.file("seed")
        try Self.git(["init", "--quiet", "--initial-branch", branch, seed])
        for (name, content) in files.mapValues({ Array($0.utf8) }).merging(bytes, uniquingKeysWith: { $1 }) {
            let file = seed + "/" + name
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(content).write(to: URL(fileURLWithPath: file))
        }
        try Self.git(["-C", seed, "add", "-A"])
        try Self.git(["-C", seed, "commit", "--quiet", "-m", "seed"])
        try Self.git(["-C", seed, "push", "--quiet", path, "HEAD:refs/heads/\(branch)"])
    }

    /// A file as committed on `branch`.
    public func show(_ file: String, branch: String = "main") throws -> String {
        try Self.git(["--git-dir", path, "show", "\(branch):\(file)"]).stdout
    }

    /// Number of commits on `branch`.
    public func commitCount(branch: String = "main") throws -> Int {
        Int(try Self.git(["--git-dir", path, "rev-list", "--count", branch]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// `git log -1` of `branch` in a format: `%an <%ae>%n%B`.
    public func lastCommit(branch: String = "main", format: String = "%an <%ae>%n%B") throws -> String {
        try Self.git(["--git-dir", path, "log", "-1", "--format=\(format)", branch]).stdout
    }

    public func branches() throws -> [String] {
        try Self.git(["--git-dir", path, "for-each-ref", "--format=%(refname:short)", "refs/heads"]).stdout
            .split(separator: "\n").map(String.init)
    }

    /// Holds pushes in a pre-receive hook until `count` of them have arrived (at most 10 s),
    /// so concurrent pushes really overlap: one wins the ref update, the others lose.
    public func synchronizePushes(count: Int) throws {
        let hook = path + "/hooks/pre-receive"
        let script = """
            #!/bin/sh
            barrier="$(dirname "$0")/../push-barrier"
            mkdir -p "$barrier"
            touch "$barrier/$$"
            i=0
            while [ "$(ls "$barrier" | wc -l)" -lt \(count) ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
            exit 0

            """
        try script.write(toFile: hook, atomically: true, encoding: .utf8)
        try Tool.check("chmod", ["+x", hook])
    }

    @discardableResult
    static func git(_ arguments: [String]) throws -> ToolResult {
        try Tool.check("git", ["-c", "user.name=seed", "-c", "user.email=seed@example.com", "-c", "commit.gpgsign=false"] + arguments)
    }
}
