import Foundation

/// The process environment as the AWS code reads it: variables, the home directory, the
/// selected profile. Injected, so tests can give each case its own.
public struct AWSEnvironment: Sendable {
    public var variables: [String: String]

    public init(variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
    }

    public subscript(name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    public var home: String { self["HOME"] ?? NSHomeDirectory() }

    /// `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`.
    public var profileName: String { self["AWS_PROFILE"] ?? self["AWS_DEFAULT_PROFILE"] ?? "default" }

    public var credentialsFilePath: String {
        expand(self["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
    }

    public var configFilePath: String { expand(self["AWS_CONFIG_FILE"] ?? "~/.aws/config") }

    /// `~`, `$NAME` and `${NAME}` in a path, as botocore expands AWS_CONFIG_FILE and
    /// AWS_SHARED_CREDENTIALS_FILE (unset variables stay as written).
    func expand(_ path: String) -> String {
        var result = ""
        var rest = Substring(path)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            let braced = rest.first == "{"
            let nameStart = braced ? rest.index(after: rest.startIndex) : rest.startIndex
            let nameEnd = rest[nameStart...].firstIndex { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_")) } ?? rest.endIndex
            let name = String(rest[nameStart..<nameEnd])
            let closed = !braced || (nameEnd < rest.endIndex && rest[nameEnd] == "}")
            if !name.isEmpty, closed, let value = variables[name] {
                result += value
                rest = rest[(braced ? rest.index(after: nameEnd) : nameEnd)...]
            } else {
                result += "$"
            }
        }
        result += rest
        if result == "~" { return home }
        return result.hasPrefix("~/") ? home + result.dropFirst() : result
    }
}
