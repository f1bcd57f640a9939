import ArgumentParser
import Publish

/// Where AWS is: region, profile, CA bundle. Credentials come from the standard chain, in
/// the AWS CLI's order (README: AWS credentials, endpoints and proxies).
struct AWSOptions: ParsableArguments {
    @Option(name: .long, help: "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region).")
    var region: String?

    @Option(name: .long, help: ArgumentHelp(
        "AWS profile of ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE, AWS_DEFAULT_PROFILE, default). As with the AWS CLI's --profile, AWS_ACCESS_KEY_ID and the web identity variables are then not read.",
        valueName: "name"))
    var profile: String?

    @Option(name: .long, help: ArgumentHelp(
        "PEM bundle of CA certificates to trust (default: the system's; SSL_CERT_FILE and CURL_CA_BUNDLE are honoured).",
        valueName: "file"))
    var caFile: String?

    func apply(to settings: inout AWSSettings) {
        settings.region = region
        settings.profile = profile
        settings.caFile = caFile
    }
}
