/// Configuration problems: fix the environment, the AWS config files or the flags.
public enum AWSConfigurationError: Error, Equatable, CustomStringConvertible {
    case noRegion
    case invalidRegion(String)
    case invalidProfile(name: String, detail: String)
    /// AWS_PROFILE, AWS_DEFAULT_PROFILE or --profile names a profile no file has.
    case noSuchProfile(name: String, files: [String])
    /// A config or credentials file that cannot be read as one (never quotes its lines).
    case invalidConfigFile(path: String, line: Int?, detail: String)

    public var description: String {
        switch self {
        case .noRegion:
            return "no AWS region: pass --region, or set AWS_REGION (or AWS_DEFAULT_REGION, or region in the profile)"
        case .invalidRegion(let region):
            return "'\(region.prefix(40))' is not an AWS region name"
        case .invalidProfile(let name, let detail):
            return "AWS profile '\(name)': \(detail)"
        case .noSuchProfile(let name, let files):
            return "AWS profile '\(name.prefix(64))' is not in \(files.joined(separator: " or ")): check AWS_PROFILE (or --profile) for a typo"
        case .invalidConfigFile(let path, let line, let detail):
            let place = line.map { "\(path), line \($0)" } ?? path
            return "AWS config file \(place): \(detail). Fix the file, or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere."
        }
    }
}
