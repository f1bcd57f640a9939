/// The commit message template and its placeholders.
public struct CommitMessage: Sendable, Equatable {
    public static let defaultTemplate = """
        Deploy {repository}:{tag}

        Image: {image}
        Source commit: {commit}
        Pipeline run: {run_url}
        """

    public var template: String

    public init(template: String = CommitMessage.defaultTemplate) { self.template = template }

    /// Fills `{repository}`, `{tag}`, `{digest}`, `{image}`, `{commit}`, `{run_url}`; lines
    /// whose only placeholders are empty are dropped.
    public func render(pin: ImagePin, commit: String?, runURL: String?) -> String {
        let values: [String: String] = [
            "repository": pin.image.repository, "tag": pin.tag, "digest": pin.digest.description,
            "image": pin.reference, "commit": commit ?? "", "run_url": runURL ?? "",
        ]
        var lines: [String] = []
        for line in template.split(separator: "\n", omittingEmptySubsequences: false) {
            var rendered = String(line)
            var hadEmpty = false, hadValue = false
            for (key, value) in values where rendered.contains("{\(key)}") {
                if value.isEmpty { hadEmpty = true } else { hadValue = true }
                rendered = rendered.replacingOccurrences(of: "{\(key)}", with: value)
            }
            if hadEmpty && !hadValue { continue }
            lines.append(rendered)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }
}
