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

    func expand(_ path: String) -> String {
        path.hasPrefix("~/") ? home + path.dropFirst() : path
    }
}
