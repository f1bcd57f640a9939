import Foundation
import HTTP

/// Everything an AWS client needs, resolved once per run: region, endpoints, HTTP client and
/// the credential chain in the AWS CLI's (botocore's) order: environment variables, the
/// profile's role, web identity, the profile's keys or credential_process, container, instance
/// metadata.
public struct AWSContext: Sendable {
    public let environment: AWSEnvironment
    public let config: SharedConfig
    public let region: String
    public let http: any HTTPClient
    public let credentials: any CredentialProvider

    public init(
        region explicitRegion: String? = nil, profile: String? = nil,
        httpConfiguration: HTTPClientConfiguration = HTTPClientConfiguration(), retry: RetryPolicy = RetryPolicy(),
        environment: AWSEnvironment = AWSEnvironment(), credentials: (any CredentialProvider)? = nil
    ) throws {
        var environment = environment
        if let profile { environment.variables["AWS_PROFILE"] = profile }
        let config = try SharedConfig(environment: environment)
        if let named = profile ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"], config.profile(named) == nil {
            throw AWSConfigurationError.noSuchProfile(name: named, files: [environment.configFilePath, environment.credentialsFilePath])
        }
        let region = try AWSRegion.resolve(explicit: explicitRegion, environment: environment, config: config)
        let http = AWSRetry.client(
            wrapping: CurlHTTPClient(configuration: httpConfiguration, environment: environment.variables), policy: retry)
        self.environment = environment
        self.config = config
        self.region = region
        self.http = http
        self.credentials = credentials ?? Self.defaultChain(
            environment: environment, config: config, region: region, http: http, explicitProfile: profile)
    }

    public func endpoint(_ service: AWSService) throws -> URL {
        let text = EndpointResolver(environment: environment, config: config).endpoint(service, region: region)
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
            throw AWSConfigurationError.invalidProfile(name: "endpoint", detail: "'\(text)' is not an http(s) URL for \(service.rawValue)")
        }
        return url
    }

    public func ecr() throws -> ECRClient {
        ECRClient(http: http, credentials: credentials, region: region, endpoint: try endpoint(.ecr))
    }

    public func sts() throws -> STSClient {
        STSClient(http: http, credentials: credentials, region: region, endpoint: try endpoint(.sts))
    }

    public func kms() throws -> KMSClient {
        KMSClient(http: http, credentials: credentials, region: region, endpoint: try endpoint(.kms))
    }

    public func dynamoDB() throws -> DynamoDBClient {
        DynamoDBClient(http: http, credentials: credentials, region: region, endpoint: try endpoint(.dynamodb))
    }

    public func sns() throws -> SNSClient {
        SNSClient(http: http, credentials: credentials, region: region, endpoint: try endpoint(.sns))
    }

    public func s3() throws -> S3Client {
        S3Client(http: http, credentials: credentials, region: region, endpoint: try endpoint(.s3),
                 pathStyle: EndpointResolver(environment: environment, config: config).configuredEndpoint(.s3) != nil)
    }

    public func eventBridge() throws -> EventBridgeClient {
        EventBridgeClient(http: http, credentials: credentials, region: region, endpoint: try endpoint(.events))
    }

    static func defaultChain(
        environment: AWSEnvironment, config: SharedConfig, region: String, http: any HTTPClient, explicitProfile: String?
    ) -> CredentialChain {
        let stsEndpoint = URL(string: EndpointResolver(environment: environment, config: config).endpoint(.sts, region: region))
            ?? URL(string: "https://sts.\(region).amazonaws.com")!
        let makeSTS: @Sendable ((any CredentialProvider)?) -> STSClient = { provider in
            STSClient(http: http, credentials: provider, region: region, endpoint: stsEndpoint)
        }
        var metadataConfiguration = HTTPClientConfiguration()
        metadataConfiguration.connectTimeout = .seconds(1)
        metadataConfiguration.stallTimeout = .seconds(2)
        // Single attempts: off EC2 the metadata address must fail fast.
        let metadataHTTP = CurlHTTPClient(configuration: metadataConfiguration, environment: environment.variables)
        let container = ContainerCredentialSource(environment: environment, http: http)
        let instance = InstanceMetadataCredentialSource(environment: environment, http: metadataHTTP)
        let profile = environment.profileName
        let resolver = ProfileResolver(config: config, environment: environment, sts: makeSTS, container: container, instance: instance)
        // botocore's order. A profile chosen with --profile (not AWS_PROFILE) turns off the
        // credential variables, as the AWS CLI's --profile does.
        var sources: [any CredentialSource] = explicitProfile == nil ? [EnvironmentCredentialSource(environment: environment)] : []
        sources += [
            ProfileRoleCredentialSource(profileName: profile, resolver: resolver),
            WebIdentityCredentialSource(
                profile: profile, config: config, environment: environment, includeEnvironment: explicitProfile == nil) { makeSTS(nil) },
            ProfileCredentialSource(profileName: profile, resolver: resolver),
            container, instance,
        ]
        return CredentialChain(sources: sources)
    }
}
