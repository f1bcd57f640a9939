/// Region and endpoint resolution, in the AWS CLI's order.
public enum AWSRegion {
    /// `explicit` (`--region`), `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`.
    public static func resolve(explicit: String?, environment: AWSEnvironment, config: SharedConfig) throws -> String {
        if let explicit, !explicit.isEmpty { return try validated(explicit) }
        if let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] { return try validated(region) }
        if let region = config.profile(environment.profileName)?["region"], !region.isEmpty { return try validated(region) }
        throw AWSConfigurationError.noRegion
    }

    static func validated(_ region: String) throws -> String {
        let valid = !region.isEmpty && region.count <= 32
            && region.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        guard valid else { throw AWSConfigurationError.invalidRegion(region) }
        return region
    }
}

/// The AWS services ecr-publish calls, with what endpoint resolution needs.
public enum AWSService: String, Sendable, CaseIterable {
    case ecr, sts, kms, dynamodb, s3, sns, events

    /// The suffix of `AWS_ENDPOINT_URL_<SERVICE>`; lowercased, the key in a `[services]` section.
    public var environmentKey: String {
        switch self {
        case .ecr: return "ECR"
        case .sts: return "STS"
        case .kms: return "KMS"
        case .dynamodb: return "DYNAMODB"
        case .s3: return "S3"
        case .sns: return "SNS"
        case .events: return "EVENTBRIDGE"
        }
    }

    /// The SigV4 signing name.
    public var signingName: String { self == .ecr ? "ecr" : rawValue }
}
