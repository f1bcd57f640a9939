@testable import AWS
import Foundation
import Testing
import TestSupport

/// Endpoint resolution; every expected value is what boto3 1.43 (botocore's endpoint
/// rulesets) resolves for the same settings (`client.meta.endpoint_url`).
@Suite struct EndpointResolverTests {
    static let config = """
        [default]
        region = us-east-1
        endpoint_url = http://profile-global:1
        services = local
        [services local]
        ecr =
          endpoint_url = http://services-ecr:2
        [profile ignoring]
        endpoint_url = http://profile-global:1
        ignore_configured_endpoint_urls = true
        [profile fips]
        use_fips_endpoint = true
        sts_regional_endpoints = legacy
        """

    static func resolver(_ variables: [String: String], config text: String = config) throws -> EndpointResolver {
        let home = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: home.path + "/.aws", withIntermediateDirectories: true)
        try text.write(toFile: home.path + "/.aws/config", atomically: true, encoding: .utf8)
        let environment = AWSEnvironment(variables: AWSTestEnvironment.clean(home: home.path).merging(variables) { $1 })
        return EndpointResolver(environment: environment, config: try SharedConfig(environment: environment))
    }

    static func endpoints(_ variables: [String: String], region: String = "us-east-1") throws -> [String] {
        let resolver = try resolver(variables)
        return [AWSService.ecr, .sts].map { resolver.endpoint($0, region: region) }
    }

    @Test func configuredEndpointsInBotocoresOrder() throws {
        #expect(try Self.endpoints([:]) == ["http://services-ecr:2", "http://profile-global:1"])
        #expect(try Self.endpoints(["AWS_ENDPOINT_URL": "http://env-global:3/"]) == ["http://env-global:3", "http://env-global:3"])
        #expect(try Self.endpoints(["AWS_ENDPOINT_URL_ECR": "http://env-ecr:4"]) == ["http://env-ecr:4", "http://profile-global:1"])
        #expect(try Self.endpoints(["AWS_ENDPOINT_URL_STS": "http://env-sts:4"]) == ["http://services-ecr:2", "http://env-sts:4"])
    }

    @Test func configuredEndpointsCanBeIgnored() throws {
        let aws = ["https://api.ecr.us-east-1.amazonaws.com", "https://sts.us-east-1.amazonaws.com"]
        #expect(try Self.endpoints(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL": "http://env-global:3"]) == aws)
        #expect(try Self.endpoints(["AWS_PROFILE": "ignoring"]) == aws)
        #expect(try Self.endpoints(["AWS_PROFILE": "ignoring", "AWS_ENDPOINT_URL": "http://env-global:3"]) == aws)
        #expect(try Self.endpoints(["AWS_PROFILE": "ignoring", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"])
            == ["http://profile-global:1", "http://profile-global:1"])
    }

    @Test func fipsAndLegacySTSFromTheProfileOrTheVariables() throws {
        #expect(try Self.endpoints(["AWS_PROFILE": "fips"]) == ["https://ecr-fips.us-east-1.amazonaws.com", "https://sts-fips.us-east-1.amazonaws.com"])
        #expect(try Self.endpoints(["AWS_PROFILE": "fips", "AWS_USE_FIPS_ENDPOINT": "false"])
            == ["https://api.ecr.us-east-1.amazonaws.com", "https://sts.amazonaws.com"])
    }

    @Test(arguments: [
        ("us-east-1", [:], "https://api.ecr.us-east-1.amazonaws.com https://sts.us-east-1.amazonaws.com https://kms.us-east-1.amazonaws.com https://dynamodb.us-east-1.amazonaws.com https://s3.amazonaws.com https://sns.us-east-1.amazonaws.com https://events.us-east-1.amazonaws.com"),
        ("us-east-1", ["AWS_USE_FIPS_ENDPOINT": "true"], "https://ecr-fips.us-east-1.amazonaws.com https://sts-fips.us-east-1.amazonaws.com https://kms-fips.us-east-1.amazonaws.com https://dynamodb-fips.us-east-1.amazonaws.com https://s3-fips.us-east-1.amazonaws.com https://sns-fips.us-east-1.amazonaws.com https://events-fips.us-east-1.amazonaws.com"),
        ("eu-west-1", ["AWS_USE_FIPS_ENDPOINT": "true"], "https://ecr-fips.eu-west-1.amazonaws.com https://sts-fips.eu-west-1.amazonaws.com https://kms-fips.eu-west-1.amazonaws.com https://dynamodb-fips.eu-west-1.amazonaws.com https://s3-fips.eu-west-1.amazonaws.com https://sns-fips.eu-west-1.amazonaws.com https://events-fips.eu-west-1.amazonaws.com"),
        ("us-gov-west-1", ["AWS_USE_FIPS_ENDPOINT": "true"], "https://ecr-fips.us-gov-west-1.amazonaws.com https://sts.us-gov-west-1.amazonaws.com https://kms-fips.us-gov-west-1.amazonaws.com https://dynamodb-fips.us-gov-west-1.amazonaws.com https://s3-fips.us-gov-west-1.amazonaws.com https://sns.us-gov-west-1.amazonaws.com https://events.us-gov-west-1.amazonaws.com"),
        ("cn-north-1", ["AWS_USE_FIPS_ENDPOINT": "true"], "https://api.ecr-fips.cn-north-1.amazonaws.com.cn https://sts-fips.cn-north-1.amazonaws.com.cn https://kms-fips.cn-north-1.amazonaws.com.cn https://dynamodb-fips.cn-north-1.amazonaws.com.cn https://s3-fips.cn-north-1.amazonaws.com.cn https://sns-fips.cn-north-1.amazonaws.com.cn https://events-fips.cn-north-1.amazonaws.com.cn"),
        ("cn-north-1", [:], "https://api.ecr.cn-north-1.amazonaws.com.cn https://sts.cn-north-1.amazonaws.com.cn https://kms.cn-north-1.amazonaws.com.cn https://dynamodb.cn-north-1.amazonaws.com.cn https://s3.cn-north-1.amazonaws.com.cn https://sns.cn-north-1.amazonaws.com.cn https://events.cn-north-1.amazonaws.com.cn"),
    ] as [(String, [String: String], String)])
    func awsEndpointsPerRegion(region: String, variables: [String: String], expected: String) throws {
        // boto3 answers s3-fips.aws-global.amazonaws.com for us-east-1 FIPS S3; the regional
        // FIPS name is the documented one and reaches the same service.
        let resolver = try Self.resolver(variables, config: "")
        #expect(AWSService.allCases.map { resolver.endpoint($0, region: region) }.joined(separator: " ") == expected)
    }

    @Test(arguments: [("us-east-1", "https://sts.amazonaws.com"), ("eu-west-1", "https://sts.amazonaws.com"), ("ap-east-1", "https://sts.ap-east-1.amazonaws.com")])
    func legacySTSEndpoint(region: String, expected: String) throws {
        #expect(try Self.resolver(["AWS_STS_REGIONAL_ENDPOINTS": "legacy"], config: "").endpoint(.sts, region: region) == expected)
        #expect(try Self.resolver(["AWS_STS_REGIONAL_ENDPOINTS": "legacy", "AWS_USE_FIPS_ENDPOINT": "true"], config: "")
            .endpoint(.sts, region: region).contains("sts-fips."))
    }

    @Test func configFilePathsExpandTildeAndVariables() {
        let environment = AWSEnvironment(variables: [
            "HOME": "/home/ci", "AWS_CONFIG_FILE": "$HOME/.aws/config", "AWS_SHARED_CREDENTIALS_FILE": "~/creds/${USER_DIR}/c",
            "USER_DIR": "u",
        ])
        #expect(environment.configFilePath == "/home/ci/.aws/config")
        #expect(environment.credentialsFilePath == "/home/ci/creds/u/c")
        #expect(environment.expand("$UNSET_X/${ALSO_UNSET}/$") == "$UNSET_X/${ALSO_UNSET}/$")
        #expect(environment.expand("~") == "/home/ci")
    }
}
