import Foundation
import Testing

/// Secrets the tests create. Each is appended to the file named by
/// `ECR_PUBLISH_SECRET_LEDGER` (set by `.ci/test.sh`), which then greps everything the
/// test run printed for them: no credential may appear anywhere in the output.
public enum SecretLedger {
    public static func record(_ secret: String) {
        guard let path = ProcessInfo.processInfo.environment["ECR_PUBLISH_SECRET_LEDGER"], !secret.isEmpty else { return }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            _ = FileManager.default.createFile(atPath: path, contents: Data((secret + "\n").utf8))
            return
        }
        handle.seekToEndOfFile()
        handle.write(Data((secret + "\n").utf8))
        handle.closeFile()
    }
}

/// Checks a process's output for secrets.
public enum SecretScan {
    public static func check(_ result: ToolResult, against secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in secrets where !secret.isEmpty {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret),
                    "a secret was printed", sourceLocation: sourceLocation)
        }
        // SigV4 signatures and Authorization headers never belong in output either.
        for marker in ["Signature=", "X-Amz-Security-Token", "Authorization:"] {
            #expect(!result.stdout.contains(marker) && !result.stderr.contains(marker),
                    "\(marker) was printed", sourceLocation: sourceLocation)
        }
    }
}
