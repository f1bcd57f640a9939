import ArgumentParser
import AWS
import Foundation
import Publish

extension ECRPublish {
    struct Whoami: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the AWS account, identity and region ecr-publish would use.",
            discussion: "Calls STS GetCallerIdentity with the credentials of the standard chain. Never prints credentials.")

        @OptionGroup(title: "AWS options")
        var aws: AWSOptions

        @Flag(name: .long, help: "Print one JSON object.")
        var json = false

        func run() async throws {
            var settings = AWSSettings()
            aws.apply(to: &settings)
            let context = try settings.context()
            let credentials = try await context.credentials.credentials()
            let identity = try await context.sts().getCallerIdentity()
            if json {
                let object: [String: String] = [
                    "account": identity.account, "arn": identity.arn, "userId": identity.userID,
                    "region": context.region, "credentialSource": credentials.source,
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("account      \(identity.account)")
                print("arn          \(identity.arn)")
                print("user id      \(identity.userID)")
                print("region       \(context.region)")
                print("credentials  \(credentials.source) (\(AWSCredentials.maskedKeyID(credentials.accessKeyID)))")
            }
        }
    }
}
