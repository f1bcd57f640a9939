import Foundation

/// One AWS configuration of the differential test: what the environment, the two config
/// files and the command line say. Text may hold placeholders the runner fills in:
/// `{K:user}` / `{S:user}` (an IAM user's access key id / secret, users `ci`, `prod`, `dev`,
/// `ecs`, `ec2`), `{home}`, `{moto}`, `{ecs}` (the container credentials URL, token
/// `Bearer ecs-token`), `{imds}` (the instance metadata endpoint).
struct DifferentialCase: Sendable {
    var name: String
    /// On top of the base environment (`HOME`, the two file paths, `AWS_REGION` and
    /// `AWS_DEFAULT_REGION` us-east-1, `AWS_ENDPOINT_URL` moto, `AWS_EC2_METADATA_DISABLED`
    /// true); an empty value removes the variable.
    var environment: [String: String] = [:]
    var config: String?
    var credentials: String?
    /// Executable scripts written to `{home}/NAME` (for `credential_process`).
    var scripts: [String: String] = [:]
    /// `--profile` (boto3: `Session(profile_name:)`, as the AWS CLI's `--profile`).
    var profile: String?
    /// Whether to sign a GetCallerIdentity with the resolved credentials; false for
    /// endpoint cases whose endpoints are not moto.
    var call = true
    /// Requests moto lets through unsigned first (AssumeRoleWithWebIdentity is unsigned).
    var unsignedCalls = 0
    /// Why the tool differs from boto3 here on purpose; nil: both must agree.
    var difference: String?
}

/// What one resolver made of a configuration.
struct DifferentialOutcome: Sendable, CustomStringConvertible {
    var region: String?
    var ecrHost: String?
    var stsHost: String?
    /// The caller identity's ARN, with a default role session name replaced by `*`.
    var identity: String?
    var failed: Bool
    /// Why it failed: the tool's message (never a secret), boto3's exception class.
    var detail: String?

    /// Outcomes agree when both failed, whatever each got that far, or on every field.
    func agrees(with other: DifferentialOutcome) -> Bool {
        failed && other.failed
            || !failed && !other.failed && (region, ecrHost, stsHost, identity) == (other.region, other.ecrHost, other.stsHost, other.identity)
    }

    var description: String {
        failed ? "error (\(detail ?? "?"))" : "identity \(identity ?? "-"), region \(region ?? "-"), ECR \(ecrHost ?? "-"), STS \(stsHost ?? "-")"
    }

    /// `…/assumed-role/R/ecr-publish-1700000000` and `…/R/botocore-session-1700000000`
    /// (each tool's default session name) both become `…/R/*`.
    static func normalized(_ arn: String) -> String {
        guard let slash = arn.lastIndex(of: "/") else { return arn }
        let session = arn[arn.index(after: slash)...]
        for prefix in ["ecr-publish-", "botocore-session-"] where session.hasPrefix(prefix)
            && session.dropFirst(prefix.count).allSatisfy(\.isNumber) {
            return arn[...slash] + "*"
        }
        return arn
    }
}
