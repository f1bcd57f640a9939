import Foundation

/// `~/.aws/credentials` and `~/.aws/config`, read as the AWS SDKs read them: config
/// sections are `[default]`, `[profile NAME]` and `[services NAME]`; credentials sections
/// are `[NAME]`; the credentials file wins key by key. Files are bounded in size and a
/// malformed line is an error naming the file and line.
public struct SharedConfig: Sendable {
    /// Settings by profile name (`default`, `ci`, …), credentials file over config file.
    public private(set) var profiles: [String: [String: String]] = [:]
    /// `[services NAME]` sections of the config file (per-service `endpoint_url`, …).
    public private(set) var services: [String: [String: String]] = [:]
    /// The files that were read.
    public private(set) var files: [String] = []

    /// Larger files are refused: no real profile file comes near this.
    static let maximumFileSize = 1 << 20

    public init(environment: AWSEnvironment) throws(AWSConfigurationError) {
        if let sections = try Self.read(environment.configFilePath) {
            files.append(environment.configFilePath)
            let hasProfileDefault = sections.contains { Self.profileName(configHeader: $0.header) == "default" && $0.header != "default" }
            for section in sections {
                if let name = Self.profileName(configHeader: section.header) {
                    // `[profile default]` wins over `[default]` when both are present.
                    if hasProfileDefault && section.header == "default" { continue }
                    profiles[name, default: [:]].merge(section.values) { $1 }
                } else if let name = Self.name(after: "services", in: section.header) {
                    services[name, default: [:]].merge(section.values) { $1 }
                }
            }
        }
        if let sections = try Self.read(environment.credentialsFilePath) {
            files.append(environment.credentialsFilePath)
            for section in sections where Self.isValidName(section.header) {
                profiles[section.header, default: [:]].merge(section.values) { $1 }
            }
        }
    }

    public func profile(_ name: String) -> [String: String]? { profiles[name] }

    /// The sections of `path`, nil when there is no such file.
    private static func read(_ path: String) throws(AWSConfigurationError) -> [ConfigFileParser.Section]? {
        let text: String
        do {
            text = try BoundedFile.text(path, limit: maximumFileSize)
        } catch {
            switch error {
            case .missing: return nil
            case .unreadable(let reason): throw .invalidConfigFile(path: path, line: nil, detail: "cannot be read (\(reason))")
            case .tooLarge: throw .invalidConfigFile(path: path, line: nil, detail: "is larger than \(maximumFileSize >> 20) MiB")
            case .notText: throw .invalidConfigFile(path: path, line: nil, detail: "is not UTF-8 text")
            }
        }
        do {
            return try ConfigFileParser.parse(text)
        } catch {
            throw .invalidConfigFile(path: path, line: error.line, detail: error.detail)
        }
    }

    /// `default` or `profile NAME` of the config file; nil for other sections.
    static func profileName(configHeader header: String) -> String? {
        if header == "default" { return "default" }
        return name(after: "profile", in: header)
    }

    /// `NAME` of `KEYWORD NAME` (any whitespace between), when NAME is a valid profile name.
    static func name(after keyword: String, in header: String) -> String? {
        guard header.hasPrefix(keyword), let separator = header.dropFirst(keyword.count).first, separator.isWhitespace else {
            return nil
        }
        let name = header.dropFirst(keyword.count).trimmingCharacters(in: .whitespaces)
        return isValidName(name) ? name : nil
    }

    /// The characters the SDKs accept in profile names; other sections are ignored.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_-/.%@:+".unicodeScalars.contains(scalar))
        }
    }
}
