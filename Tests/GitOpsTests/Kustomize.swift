import Foundation
import TestSupport

/// The independent renderer: `kubectl kustomize` (kustomize 5.5) on a directory of files.
enum Kustomize {
    /// The container images of the rendered output, in order.
    static func images(_ files: [String: String], directory: String = ".") throws -> [String] {
        let root = try TemporaryDirectory("kustomize")
        for (name, content) in files {
            let path = root.file(name)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let output = try Tool.check("kubectl", ["kustomize", root.file(directory)]).stdout
        return output.split(separator: "\n").compactMap { line in
            let text = line.trimmingCharacters(in: .whitespaces)
            let body = text.hasPrefix("- ") ? String(text.dropFirst(2)) : text
            guard body.hasPrefix("image: ") else { return nil }
            return body.dropFirst("image: ".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        }
    }

    static func deployment(image: String) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
        spec:
          selector:
            matchLabels: {app: app}
          template:
            metadata:
              labels: {app: app}
            spec:
              containers:
              - name: app
                image: \(image)

        """
    }
}
