/// GitHub Actions workflow commands a step prints on standard output: annotations and
/// masks. Only the current forms (`::warning::`, `::error::`, `::add-mask::`); outputs and
/// state go through the `GITHUB_OUTPUT` file (``GitHubOutputs``), never the deprecated
/// `set-output` / `save-state` commands.
public enum GitHubWorkflowCommand {
    /// `::warning title=…::message`: a yellow annotation on the run.
    public static func warning(_ message: String, title: String = "ecr-publish") -> String {
        command("warning", properties: ["title": title], message: message)
    }

    /// `::error title=…::message`: a red annotation on the run; with `file` (and `line`), on
    /// that line of the repository's file in the run and the pull request.
    public static func error(_ message: String, title: String = "ecr-publish", file: String? = nil, line: Int? = nil) -> String {
        var properties = ["title": title]
        if let file {
            properties["file"] = file
            if let line { properties["line"] = String(line) }
        }
        return command("error", properties: properties, message: message)
    }

    /// `::add-mask::value`: the runner replaces `value` by `***` in every later log line.
    /// Each line of a multi-line value is masked on its own, as the runner matches lines.
    public static func addMask(_ value: String) -> [String] {
        value.split(whereSeparator: \.isNewline).filter { !$0.isEmpty }.map { "::add-mask::" + escapeData(String($0)) }
    }

    static func command(_ name: String, properties: [String: String], message: String) -> String {
        let list = properties.sorted { $0.key < $1.key }.map { "\($0.key)=\(escapeProperty($0.value))" }.joined(separator: ",")
        return "::\(name)\(list.isEmpty ? "" : " " + list)::\(escapeData(message))"
    }

    /// The runner's escaping of a command's message (actions/toolkit `escapeData`).
    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// The runner's escaping of a property value (actions/toolkit `escapeProperty`).
    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
