import Foundation
import TestSupport

/// Runs the built `ecr-publish` executable.
enum CLI {
    static func run(_ arguments: [String]) throws -> ToolResult {
        try Tool.run(Paths.executable, arguments)
    }

    /// `publish IMAGE --repository test/app --no-push --output OUTPUT` plus `extra`.
    static func publishLocally(_ image: String, output: String, _ extra: [String] = []) throws -> ToolResult {
        try run(["publish", image, "--repository", "test/app", "--no-push", "--output", output] + extra)
    }

    /// The `rootfs.diff_ids` skopeo reads from an image reference.
    static func skopeoDiffIDs(_ reference: String) throws -> [String] {
        let result = try Tool.check("skopeo", ["inspect", "--config", reference])
        let config = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
        let rootfs = config?["rootfs"] as? [String: Any]
        return rootfs?["diff_ids"] as? [String] ?? []
    }
}
