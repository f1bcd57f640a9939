/// A config file or `ECR_PUBLISH_*` variable that cannot be used (exit status 2). The
/// message names the file and line, or the variable, and never quotes a secret's value.
enum ConfigError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    /// `path:line: message`.
    case invalid(path: String, line: Int?, message: String)
    case environment(variable: String, message: String)

    var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read the config file \(path): \(reason)"
        case .invalid(let path, let line, let message):
            return "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
        case .environment(let variable, let message):
            return "\(variable): \(message)"
        }
    }

    /// The file and line at fault, for an annotation on them.
    var location: (path: String, line: Int?)? {
        switch self {
        case .unreadable(let path, _): return (path, nil)
        case .invalid(let path, let line, _): return (path, line)
        case .environment: return nil
        }
    }
}
