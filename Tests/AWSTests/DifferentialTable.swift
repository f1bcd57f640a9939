/// The configurations of the differential test (issue #19): each is resolved by the tool
/// and by boto3 against moto with signature checks. Most must agree; where the tool differs
/// on purpose, `difference` says why.
extension DifferentialCase {
    /// `[header]` with the static keys of IAM user `user`.
    static func keys(_ header: String, _ user: String) -> String { keys(line: "[\(header)]", user) }

    /// A header line as written (`[prod] # comment`) with the static keys of IAM user `user`.
    static func keys(line: String, _ user: String) -> String {
        "\(line)\naws_access_key_id = {K:\(user)}\naws_secret_access_key = {S:\(user)}\n"
    }

    static func env(_ user: String) -> [String: String] {
        ["AWS_ACCESS_KEY_ID": "{K:\(user)}", "AWS_SECRET_ACCESS_KEY": "{S:\(user)}"]
    }

    /// A `credential_process` script printing `json` (after `{K:…}` substitution).
    static func process(_ json: String, status: Int = 0) -> String {
        "#!/bin/sh\ncat <<'JSON'\n\(json)\nJSON\necho 'process diagnostic' >&2\nexit \(status)\n"
    }

    static let role = "arn:aws:iam::123456789012:role"
    static let webIdentity = [
        "AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/token", "AWS_ROLE_ARN": "\(role)/oidc", "AWS_ROLE_SESSION_NAME": "web",
    ]
    static let noRegion = ["AWS_REGION": "", "AWS_DEFAULT_REGION": ""]
    static let container = [
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "{ecs}", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer ecs-token",
    ]
    static let instance = ["AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "{imds}"]
    /// Endpoint cases: moto for STS only, so the ECR endpoint is the one resolved.
    static let awsEndpoints = ["AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_STS": "{moto}"]

    static let all: [DifferentialCase] = environmentCases + profileCases + parserCases + roleCases + webIdentityCases
        + processCases + metadataCases + regionCases + endpointCases

    static let environmentCases: [DifferentialCase] = [
        .init(name: "environment keys", environment: env("ci")),
        .init(name: "environment keys over the default profile", environment: env("ci"), credentials: keys("default", "prod")),
        .init(name: "environment keys over AWS_PROFILE's keys", environment: env("ci").merging(["AWS_PROFILE": "prod"]) { $1 },
              credentials: keys("prod", "prod")),
        .init(name: "--profile turns environment keys off", environment: env("ci"), credentials: keys("prod", "prod"), profile: "prod"),
        .init(name: "a wrong secret is refused (moto checks signatures)",
              environment: ["AWS_ACCESS_KEY_ID": "{K:ci}", "AWS_SECRET_ACCESS_KEY": "not-the-secret"]),
        .init(name: "AWS_ACCESS_KEY_ID without the secret", environment: ["AWS_ACCESS_KEY_ID": "{K:ci}"]),
        .init(name: "AWS_SECRET_ACCESS_KEY without the key id", environment: ["AWS_SECRET_ACCESS_KEY": "{S:ci}"],
              credentials: keys("default", "prod"),
              difference: "a half-set pair of variables is an error here; botocore skips it silently and signs as the profile"),
        .init(name: "mistyped AWS_PROFILE with environment keys", environment: env("ci").merging(["AWS_PROFILE": "prdo"]) { $1 },
              credentials: keys("prod", "prod")),
        .init(name: "mistyped AWS_DEFAULT_PROFILE with environment keys",
              environment: env("ci").merging(["AWS_DEFAULT_PROFILE": "prdo"]) { $1 }, credentials: keys("prod", "prod")),
        .init(name: "mistyped --profile", credentials: keys("prod", "prod"), profile: "prdo"),
        .init(name: "nothing configured"),
    ]

    static let profileCases: [DifferentialCase] = [
        .init(name: "default profile, credentials file", credentials: keys("default", "dev")),
        .init(name: "default profile, config file", config: keys("default", "dev")),
        .init(name: "AWS_PROFILE, config file", environment: ["AWS_PROFILE": "prod"], config: keys("profile prod", "prod")),
        .init(name: "AWS_PROFILE, credentials file", environment: ["AWS_PROFILE": "prod"], credentials: keys("default", "dev") + keys("prod", "prod")),
        .init(name: "AWS_DEFAULT_PROFILE", environment: ["AWS_DEFAULT_PROFILE": "prod"], credentials: keys("prod", "prod")),
        .init(name: "AWS_PROFILE and AWS_DEFAULT_PROFILE", environment: ["AWS_PROFILE": "prod", "AWS_DEFAULT_PROFILE": "dev"],
              credentials: keys("prod", "prod") + keys("dev", "dev"),
              difference: "AWS_PROFILE wins here, as the SDKs and Tools reference guide and the other SDKs have it; botocore (AWS CLI v1 heritage) lets AWS_DEFAULT_PROFILE win"),
        .init(name: "--profile over AWS_PROFILE", environment: ["AWS_PROFILE": "prod"], credentials: keys("prod", "prod") + keys("dev", "dev"),
              profile: "dev"),
        .init(name: "credentials file over config file", config: keys("default", "prod"), credentials: keys("default", "dev")),
        .init(name: "[profile default] and [default] in config", config: keys("profile default", "dev") + keys("default", "prod"),
              difference: "[profile default] wins over [default] here, as the SDKs' profile-parser tests require; botocore takes whichever comes last"),
        .init(name: "profile with only a region, nothing else", config: "[default]\nregion = eu-west-1\n"),
        .init(name: "IAM Identity Center (SSO) profile", environment: ["AWS_PROFILE": "sso"],
              config: "[profile sso]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = dev\n"),
        .init(name: "keys split across the two files", config: "[default]\naws_access_key_id = {K:dev}\n",
              credentials: "[default]\naws_secret_access_key = {S:dev}\n",
              difference: "the two files merge key by key, as the SDKs' profile-file rules have it; botocore wants both keys in one file"),
    ]

    static let parserCases: [DifferentialCase] = [
        .init(name: "[prod] # comment after the default profile, default selected",
              credentials: keys("default", "dev") + keys(line: "[prod] # production account", "prod")),
        .init(name: "[prod] # comment, AWS_PROFILE=prod", environment: ["AWS_PROFILE": "prod"],
              credentials: keys("default", "dev") + keys(line: "[prod]# production", "prod")),
        .init(name: "[profile prod] ; comment in config, default selected",
              config: keys("default", "dev") + keys(line: "[profile prod] ; production", "prod")),
        .init(name: "upper-case key names", credentials: "[default]\nAWS_ACCESS_KEY_ID = {K:dev}\nAWS_Secret_Access_Key = {S:dev}\n"),
        .init(name: "comment after a value", credentials: "[default]\naws_access_key_id = {K:dev} # the dev key\naws_secret_access_key = {S:dev}\n",
              difference: "` # …` after a value is a comment, as the SDKs' parser has it; botocore keeps it in the key id and signs with a key that does not exist"),
        .init(name: "text after a section header", credentials: keys("default", "dev") + keys(line: "[prod] junk", "prod"),
              difference: "text after ']' is an error naming the file and line here; botocore reads the header as [prod]"),
        .init(name: "a line that is not key = value", credentials: keys("default", "dev") + "not a setting\n"),
        .init(name: "[ default ] with spaces", credentials: keys(" default ", "dev"),
              difference: "the name inside the brackets is trimmed, as in the SDKs' parser; botocore reads a profile named ' default ' and finds no credentials"),
        .init(name: "CRLF line ends", credentials: keys("default", "dev").replacingOccurrences(of: "\n", with: "\r\n")),
        .init(name: "repeated section merges", credentials: "[default]\naws_access_key_id = {K:dev}\n[default]\naws_secret_access_key = {S:dev}\n",
              difference: "a repeated section merges into the first, as in the SDKs' profile-parser tests; botocore's configparser refuses the file"),
    ]

    static let roleCases: [DifferentialCase] = [
        .init(name: "role with source_profile", environment: ["AWS_PROFILE": "deploy"], config: "[profile deploy]\nrole_arn = \(role)/deploy\nsource_profile = base\nrole_session_name = s1\n",
              credentials: keys("base", "dev")),
        .init(name: "role without a session name", environment: ["AWS_PROFILE": "deploy"], config: "[profile deploy]\nrole_arn = \(role)/deploy\nsource_profile = base\n",
              credentials: keys("base", "dev")),
        .init(name: "role chain of two", environment: ["AWS_PROFILE": "a"],
              config: "[profile a]\nrole_arn = \(role)/a\nsource_profile = b\nrole_session_name = sa\n[profile b]\nrole_arn = \(role)/b\nsource_profile = base\n",
              credentials: keys("base", "dev")),
        .init(name: "source profile's static keys win over its role", environment: ["AWS_PROFILE": "deploy"],
              config: "[profile deploy]\nrole_arn = \(role)/deploy\nsource_profile = base\nrole_session_name = s1\n[profile base]\nrole_arn = \(role)/never\n",
              credentials: keys("base", "dev")),
        .init(name: "source_profile and credential_source together", environment: ["AWS_PROFILE": "deploy"],
              config: "[profile deploy]\nrole_arn = \(role)/deploy\nsource_profile = base\ncredential_source = Environment\n", credentials: keys("base", "dev")),
        .init(name: "credential_source Environment with --profile", environment: env("ci"),
              config: "[profile deploy]\nrole_arn = \(role)/deploy\ncredential_source = Environment\nrole_session_name = env\n", profile: "deploy"),
        .init(name: "credential_source Environment, environment keys first", environment: env("ci").merging(["AWS_PROFILE": "deploy"]) { $1 },
              config: "[profile deploy]\nrole_arn = \(role)/deploy\ncredential_source = Environment\n"),
        .init(name: "credential_source EcsContainer", environment: container.merging(["AWS_PROFILE": "deploy"]) { $1 },
              config: "[profile deploy]\nrole_arn = \(role)/deploy\ncredential_source = EcsContainer\nrole_session_name = ecs\n"),
        .init(name: "credential_source Ec2InstanceMetadata", environment: instance.merging(["AWS_PROFILE": "deploy"]) { $1 },
              config: "[profile deploy]\nrole_arn = \(role)/deploy\ncredential_source = Ec2InstanceMetadata\nrole_session_name = ec2\n"),
        .init(name: "credential_source Environment without environment keys", environment: ["AWS_PROFILE": "deploy"],
              config: "[profile deploy]\nrole_arn = \(role)/deploy\ncredential_source = Environment\n"),
        .init(name: "unknown credential_source", environment: ["AWS_PROFILE": "deploy"],
              config: "[profile deploy]\nrole_arn = \(role)/deploy\ncredential_source = Somewhere\n"),
        .init(name: "role_arn without a source", environment: ["AWS_PROFILE": "deploy"], config: "[profile deploy]\nrole_arn = \(role)/deploy\n"),
        .init(name: "source_profile loop", environment: ["AWS_PROFILE": "a"],
              config: "[profile a]\nrole_arn = \(role)/a\nsource_profile = b\n[profile b]\nrole_arn = \(role)/b\nsource_profile = a\n"),
        .init(name: "source_profile loop through a profile with keys", environment: ["AWS_PROFILE": "a"],
              config: "[profile a]\nrole_arn = \(role)/a\nsource_profile = b\n[profile b]\nrole_arn = \(role)/b\nsource_profile = a\n",
              credentials: keys("a", "dev")),
        .init(name: "source_profile is the profile itself", environment: ["AWS_PROFILE": "self"],
              config: "[profile self]\nrole_arn = \(role)/self\nsource_profile = self\nrole_session_name = me\n", credentials: keys("self", "dev")),
        .init(name: "source_profile that does not exist", environment: ["AWS_PROFILE": "deploy"],
              config: "[profile deploy]\nrole_arn = \(role)/deploy\nsource_profile = nowhere\n"),
        .init(name: "role with external_id and duration_seconds", environment: ["AWS_PROFILE": "deploy"],
              config: "[profile deploy]\nrole_arn = \(role)/deploy\nsource_profile = base\nexternal_id = x-1\nduration_seconds = 900\nrole_session_name = dur\n",
              credentials: keys("base", "dev")),
        .init(name: "role session name of one character", environment: ["AWS_PROFILE": "deploy"],
              config: "[profile deploy]\nrole_arn = \(role)/deploy\nsource_profile = base\nrole_session_name = x\n", credentials: keys("base", "dev")),
        .init(name: "duration_seconds that is not a number", environment: ["AWS_PROFILE": "deploy"],
              config: "[profile deploy]\nrole_arn = \(role)/deploy\nsource_profile = base\nduration_seconds = 1h\n", credentials: keys("base", "dev"),
              difference: "a duration_seconds that is not 900 to 43200 seconds is an error here; botocore drops it silently and asks for the default hour"),
        .init(name: "web identity session name with a space", environment: webIdentity.merging(["AWS_ROLE_SESSION_NAME": "two words"]) { $1 }),
        .init(name: "profile with its own keys and a role assumes the role", environment: ["AWS_PROFILE": "deploy"],
              config: "[profile deploy]\nrole_arn = \(role)/deploy\nsource_profile = base\nrole_session_name = s2\n",
              credentials: keys("deploy", "prod") + keys("base", "dev")),
    ]

    static let webIdentityCases: [DifferentialCase] = [
        .init(name: "web identity variables", environment: webIdentity, unsignedCalls: 1),
        .init(name: "web identity without a session name", environment: webIdentity.merging(["AWS_ROLE_SESSION_NAME": ""]) { $1 }, unsignedCalls: 1),
        .init(name: "web identity token file missing", environment: webIdentity.merging(["AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/missing"]) { $1 }),
        .init(name: "web identity token without a role", environment: webIdentity.merging(["AWS_ROLE_ARN": ""]) { $1 }),
        .init(name: "web identity in the profile", environment: ["AWS_PROFILE": "oidc"],
              config: "[profile oidc]\nrole_arn = \(role)/oidc-profile\nweb_identity_token_file = {home}/token\nrole_session_name = wp\n", unsignedCalls: 1),
        .init(name: "web identity variables and a role profile: the role wins", environment: webIdentity.merging(["AWS_PROFILE": "deploy"]) { $1 },
              config: "[profile deploy]\nrole_arn = \(role)/deploy\nsource_profile = base\nrole_session_name = s1\n", credentials: keys("base", "dev")),
        .init(name: "web identity variables and a keys profile: web identity wins", environment: webIdentity.merging(["AWS_PROFILE": "prod"]) { $1 },
              credentials: keys("prod", "prod"), unsignedCalls: 1),
        .init(name: "web identity variables and --profile: the profile wins", environment: webIdentity, credentials: keys("prod", "prod"), profile: "prod"),
        .init(name: "web identity: role from AWS_ROLE_ARN, token file from the profile",
              environment: ["AWS_PROFILE": "oidc", "AWS_ROLE_ARN": "\(role)/oidc", "AWS_ROLE_SESSION_NAME": "mixed"],
              config: "[profile oidc]\nweb_identity_token_file = {home}/token\n", unsignedCalls: 1),
        .init(name: "environment keys over web identity", environment: webIdentity.merging(env("ci")) { $1 }),
        .init(name: "role sourced from a web identity profile", environment: ["AWS_PROFILE": "deploy"],
              config: "[profile deploy]\nrole_arn = \(role)/deploy\nsource_profile = oidc\nrole_session_name = chained\n[profile oidc]\nrole_arn = \(role)/oidc\nweb_identity_token_file = {home}/token\n",
              unsignedCalls: 1),
    ]

    static let processCases: [DifferentialCase] = [
        .init(name: "credential_process", config: "[default]\ncredential_process = {home}/ok.sh\n",
              scripts: ["ok.sh": process("{\"Version\": 1, \"AccessKeyId\": \"{K:dev}\", \"SecretAccessKey\": \"{S:dev}\", \"Expiration\": \"2099-01-01T00:00:00Z\"}")]),
        .init(name: "credential_process with expired credentials", config: "[default]\ncredential_process = {home}/old.sh\n",
              scripts: ["old.sh": process("{\"Version\": 1, \"AccessKeyId\": \"{K:dev}\", \"SecretAccessKey\": \"{S:dev}\", \"Expiration\": \"2020-01-01T00:00:00Z\"}")]),
        .init(name: "credential_process Version 2", config: "[default]\ncredential_process = {home}/v2.sh\n",
              scripts: ["v2.sh": process("{\"Version\": 2, \"AccessKeyId\": \"{K:dev}\", \"SecretAccessKey\": \"{S:dev}\"}")]),
        .init(name: "credential_process without Version", config: "[default]\ncredential_process = {home}/nov.sh\n",
              scripts: ["nov.sh": process("{\"AccessKeyId\": \"{K:dev}\", \"SecretAccessKey\": \"{S:dev}\"}")]),
        .init(name: "credential_process that fails", config: "[default]\ncredential_process = {home}/fail.sh\n",
              scripts: ["fail.sh": process("{}", status: 3)]),
        .init(name: "static keys over credential_process", config: "[default]\ncredential_process = {home}/ok.sh\n", credentials: keys("default", "prod"),
              scripts: ["ok.sh": process("{\"Version\": 1, \"AccessKeyId\": \"{K:dev}\", \"SecretAccessKey\": \"{S:dev}\"}")]),
        .init(name: "credential_process in AWS_PROFILE", environment: ["AWS_PROFILE": "p"], config: "[profile p]\ncredential_process = {home}/ok.sh\n",
              scripts: ["ok.sh": process("{\"Version\": 1, \"AccessKeyId\": \"{K:prod}\", \"SecretAccessKey\": \"{S:prod}\"}")]),
    ]

    static let metadataCases: [DifferentialCase] = [
        .init(name: "container credentials", environment: container),
        .init(name: "container credentials, token from a file",
              environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{ecs}", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{home}/ecs-token"]),
        .init(name: "container credentials, wrong token", environment: container.merging(["AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer wrong"]) { $1 }),
        .init(name: "container credentials on a non-loopback http host",
              environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://198.51.100.7/creds"]),
        .init(name: "instance metadata (IMDSv2)", environment: instance),
        .init(name: "profile with only a region falls through to container credentials", environment: container,
              config: "[default]\nregion = us-east-1\n"),
        .init(name: "profile with only a region falls through to instance metadata", environment: instance.merging(noRegion) { $1 },
              config: "[default]\nregion = eu-west-1\n"),
        .init(name: "instance metadata switched off", environment: instance.merging(["AWS_EC2_METADATA_DISABLED": "true"]) { $1 }),
        .init(name: "environment keys over instance metadata", environment: instance.merging(env("ci")) { $1 }),
        .init(name: "container over instance metadata", environment: instance.merging(container) { $1 }),
    ]

    static let regionCases: [DifferentialCase] = [
        .init(name: "region from the profile", environment: noRegion, config: "[default]\nregion = eu-west-1\n", credentials: keys("default", "dev")),
        .init(name: "AWS_DEFAULT_REGION alone", environment: ["AWS_REGION": "", "AWS_DEFAULT_REGION": "ap-south-1"], credentials: keys("default", "dev")),
        .init(name: "AWS_DEFAULT_REGION over the profile", environment: ["AWS_REGION": "", "AWS_DEFAULT_REGION": "ap-south-1"],
              config: "[default]\nregion = eu-west-1\n", credentials: keys("default", "dev")),
        .init(name: "AWS_REGION and AWS_DEFAULT_REGION", environment: ["AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "eu-west-3"],
              credentials: keys("default", "dev"),
              difference: "AWS_REGION wins here, as in the SDKs and Tools reference guide and AWS CLI v2; boto3 reads AWS_DEFAULT_REGION only"),
        .init(name: "region of AWS_PROFILE", environment: noRegion.merging(["AWS_PROFILE": "prod"]) { $1 },
              config: "[default]\nregion = eu-west-1\n[profile prod]\nregion = eu-central-1\n", credentials: keys("prod", "prod")),
        .init(name: "no region anywhere", environment: noRegion, credentials: keys("default", "dev")),
        .init(name: "AWS_CONFIG_FILE with $HOME", environment: noRegion.merging(["AWS_CONFIG_FILE": "$HOME/alt/config"]) { $1 },
              credentials: keys("default", "dev"), scripts: ["alt/config": "[default]\nregion = sa-east-1\n"]),
        .init(name: "AWS_SHARED_CREDENTIALS_FILE with ~", environment: ["AWS_SHARED_CREDENTIALS_FILE": "~/alt/credentials"],
              scripts: ["alt/credentials": keys("default", "prod")]),
    ]

    static let endpointCases: [DifferentialCase] = [
        .init(name: "AWS's ECR endpoint", environment: awsEndpoints.merging(env("ci")) { $1 }),
        .init(name: "AWS_ENDPOINT_URL_ECR", environment: awsEndpoints.merging(env("ci")) { $1 }.merging(["AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:9"]) { $1 }),
        .init(name: "endpoint_url in the profile", environment: awsEndpoints.merging(env("ci")) { $1 },
              config: "[default]\nendpoint_url = http://127.0.0.1:8\n"),
        .init(name: "services section for ECR", environment: awsEndpoints.merging(env("ci")) { $1 },
              config: "[default]\nendpoint_url = http://127.0.0.1:8\nservices = local\n[services local]\necr =\n  endpoint_url = http://127.0.0.1:7\n"),
        .init(name: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", environment: env("ci").merging(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]) { $1 },
              config: "[default]\nendpoint_url = http://127.0.0.1:8\n", call: false),
        .init(name: "AWS_USE_FIPS_ENDPOINT", environment: awsEndpoints.merging(env("ci")) { $1 }.merging(["AWS_USE_FIPS_ENDPOINT": "true", "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1"]) { $1 }),
        .init(name: "use_fips_endpoint in the profile", environment: awsEndpoints.merging(env("ci")) { $1 },
              config: "[default]\nuse_fips_endpoint = true\n"),
        .init(name: "AWS_STS_REGIONAL_ENDPOINTS=legacy", environment: ["AWS_ENDPOINT_URL": "", "AWS_STS_REGIONAL_ENDPOINTS": "legacy"], call: false),
        .init(name: "STS regional by default", environment: ["AWS_ENDPOINT_URL": ""], call: false),
        .init(name: "China region endpoints", environment: ["AWS_ENDPOINT_URL": "", "AWS_REGION": "cn-north-1", "AWS_DEFAULT_REGION": "cn-north-1"], call: false),
    ]
}
