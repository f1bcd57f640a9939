import Foundation

/// `~/.aws/credentials` and `~/.aws/config`, read the way the AWS CLI reads them.
public struct SharedConfig: Sendable {
    /// Settings by profile name (`default`, `ci`, …), credentials file over config file.
    public private(set) var profiles: [String: [String: String]] = [:]
    /// The files that were read.
    public private(set) var files: [String] = []

    public init(environment: AWSEnvironment) {
        // config: `[default]` and `[profile NAME]`; credentials: `[NAME]`.
        if let text = try? String(contentsOfFile: environment.configFilePath, encoding: .utf8) {
            files.append(environment.configFilePath)
            for (section, values) in Self.parse(text) {
                let name: String
                if section == "default" { name = "default" }
                else if section.hasPrefix("profile ") { name = section.dropFirst(8).trimmingCharacters(in: .whitespaces) }
                else { continue }
                profiles[name, default: [:]].merge(values) { $1 }
            }
        }
        if let text = try? String(contentsOfFile: environment.credentialsFilePath, encoding: .utf8) {
            files.append(environment.credentialsFilePath)
            for (section, values) in Self.parse(text) {
                profiles[section, default: [:]].merge(values) { $1 }
            }
        }
    }

    public func profile(_ name: String) -> [String: String]? { profiles[name] }

    /// INI sections with `key = value` lines; `#` and `;` start comments; indented lines
    /// continue a nested block (kept as `parent.key`).
    static func parse(_ text: String) -> [(String, [String: String])] {
        var sections: [(String, [String: String])] = []
        var parent: String?
        for rawLine in text.components(separatedBy: .newlines) {
            let trimmed = rawLine.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                sections.append((trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces), [:]))
                parent = nil
                continue
            }
            guard !sections.isEmpty, let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let comment = value.range(of: " #") ?? value.range(of: " ;") { value = String(value[..<comment.lowerBound]) }
            let indented = rawLine.first == " " || rawLine.first == "\t"
            if indented, let parent {
                sections[sections.count - 1].1["\(parent).\(key)"] = value
            } else {
                sections[sections.count - 1].1[key] = value
                parent = value.isEmpty ? key : nil
            }
        }
        return sections
    }
}
