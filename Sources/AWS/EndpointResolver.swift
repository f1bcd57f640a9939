/// Where each service's requests go, as botocore resolves it:
///
/// 1. configured endpoints, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
///    `ignore_configured_endpoint_urls`) is true: `AWS_ENDPOINT_URL_<SERVICE>`,
///    `AWS_ENDPOINT_URL`, the profile's `services` section (`<service> =` /
///    `  endpoint_url = …`), the profile's `endpoint_url`;
/// 2. AWS's own endpoint for the region, FIPS with `AWS_USE_FIPS_ENDPOINT` /
///    `use_fips_endpoint`, STS's global endpoint with `AWS_STS_REGIONAL_ENDPOINTS=legacy` /
///    `sts_regional_endpoints` in the regions that had it.
///
/// Variables win over the profile for each setting.
public struct EndpointResolver: Sendable {
    let environment: AWSEnvironment
    let profile: [String: String]
    let services: [String: [String: String]]

    public init(environment: AWSEnvironment, config: SharedConfig) {
        self.environment = environment
        profile = config.profile(environment.profileName) ?? [:]
        services = config.services
    }

    public func endpoint(_ service: AWSService, region: String) -> String {
        if let configured = configuredEndpoint(service) {
            return configured.hasSuffix("/") ? String(configured.dropLast()) : configured
        }
        return "https://\(host(service, region: region))"
    }

    /// The endpoint URL the variables or the profile set for `service`, if any.
    func configuredEndpoint(_ service: AWSService) -> String? {
        guard !flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls") else { return nil }
        let key = service.environmentKey
        let section = profile["services"].flatMap { services[$0] }
        return environment["AWS_ENDPOINT_URL_\(key)"]
            ?? environment["AWS_ENDPOINT_URL"]
            ?? section?["\(key.lowercased()).endpoint_url"].flatMap(Self.nonEmpty)
            ?? profile["endpoint_url"].flatMap(Self.nonEmpty)
    }

    /// AWS's host name for the service in `region`.
    func host(_ service: AWSService, region: String) -> String {
        let china = region.hasPrefix("cn-")
        let suffix = china ? "amazonaws.com.cn" : "amazonaws.com"
        let fips = flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")
        // GovCloud's STS, SNS and EventBridge endpoints are FIPS endpoints under the plain name.
        let fipsByDefault = region.hasPrefix("us-gov-") && [.sts, .sns, .events].contains(service)
        switch service {
        case .ecr:
            return fips ? (china ? "api.ecr-fips.\(region).\(suffix)" : "ecr-fips.\(region).\(suffix)") : "api.ecr.\(region).\(suffix)"
        case .sts where !fips && setting("AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints")?.lowercased() == "legacy"
            && Self.legacyGlobalSTSRegions.contains(region):
            return "sts.amazonaws.com"
        case .s3 where !fips && region == "us-east-1":
            return "s3.amazonaws.com"
        default:
            return fips && !fipsByDefault ? "\(service.rawValue)-fips.\(region).\(suffix)" : "\(service.rawValue).\(region).\(suffix)"
        }
    }

    /// The regions whose STS requests went to sts.amazonaws.com before regional endpoints.
    static let legacyGlobalSTSRegions: Set<String> = [
        "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    ]

    private func setting(_ variable: String, _ key: String) -> String? {
        environment[variable] ?? profile[key].flatMap(Self.nonEmpty)
    }

    private func flag(_ variable: String, _ key: String) -> Bool {
        setting(variable, key)?.lowercased() == "true"
    }

    private static func nonEmpty(_ value: String) -> String? { value.isEmpty ? nil : value }
}
