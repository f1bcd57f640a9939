@testable import AWS
import Foundation
import Testing
import TestSupport

/// The shared config/credentials file parser, against the rules of the AWS SDKs' profile
/// parser (SDKs and Tools reference guide, smithy-rs `profile-parser-tests.json`).
@Suite struct SharedConfigTests {
    /// Parses `config` and `credentials` as the two files of a fresh home directory.
    static func load(config: String? = nil, credentials: String? = nil) throws -> SharedConfig {
        let home = try TemporaryDirectory()
        var variables = AWSTestEnvironment.clean(home: home.path)
        try FileManager.default.createDirectory(atPath: home.path + "/.aws", withIntermediateDirectories: true)
        if let config { try config.write(toFile: home.path + "/.aws/config", atomically: true, encoding: .utf8) }
        if let credentials { try credentials.write(toFile: home.path + "/.aws/credentials", atomically: true, encoding: .utf8) }
        variables["AWS_PROFILE"] = nil
        return try SharedConfig(environment: AWSEnvironment(variables: variables))
    }

    static func failure(_ text: String) -> ConfigFileParser.Failure? {
        do { _ = try ConfigFileParser.parse(text); return nil } catch { return error }
    }

    @Test(arguments: ["[prod] # production account", "[prod]# x", "[prod] ; x", "[prod];x", "[ prod ]", "[prod]\t# x"])
    func headerWithTrailingCommentStartsItsSection(header: String) throws {
        let config = try Self.load(credentials: "[default]\naws_access_key_id = AKIADEFAULT\n\(header)\naws_access_key_id = AKIAPROD\n")
        #expect(config.profile("default")?["aws_access_key_id"] == "AKIADEFAULT")
        #expect(config.profile("prod")?["aws_access_key_id"] == "AKIAPROD")
    }

    @Test(arguments: ["[profile prod] # production", "[profile prod];x", "[profile\tprod]", "[profile   prod ]"])
    func configProfileHeaderWithComment(header: String) throws {
        let config = try Self.load(config: "[default]\nregion = us-east-1\n\(header)\nregion = eu-west-1\n")
        #expect(config.profile("default")?["region"] == "us-east-1")
        #expect(config.profile("prod")?["region"] == "eu-west-1")
    }

    /// Lines that fit no rule are errors, never keys merged into the section above.
    @Test(arguments: [
        ("[default]\na = 1\n[prod] junk\na = 2\n", 3),
        ("[default]\na = 1\n[prod\na = 2\n", 3),
        ("[default]\na = 1\njust words\n", 3),
        ("a = 1\n[default]\n", 1),
        ("[default]\n  indented = first\n", 2),
        ("[]\na = 1\n", 1),
        ("[default]\n= value\n", 2),
    ])
    func invalidLinesAreErrorsWithTheirLineNumber(text: String, line: Int) {
        #expect(Self.failure(text)?.line == line)
    }

    @Test func errorsNameTheFileAndNeverQuoteTheLine() throws {
        #expect {
            try Self.load(credentials: "[default]\naws_secret_access_key wJalrXUtnFEMI/K7MDENG\n")
        } throws: { error in
            let text = String(describing: error)
            return text.contains("/.aws/credentials, line 2") && !text.contains("wJalrXUtnFEMI")
        }
    }

    @Test func valuesCommentsContinuationsAndSubProperties() throws {
        let sections = try ConfigFileParser.parse("""
            [default]
            a = 1 # comment
            b = 2;not a comment
            c = 3\t; comment
            d = x
              continued
            s3 =
              max_concurrent_requests = 10
              addressing_style = path
            e = url#fragment
            """)
        let values = try #require(sections.first?.values)
        #expect(values["a"] == "1")
        #expect(values["b"] == "2;not a comment")
        #expect(values["c"] == "3")
        #expect(values["d"] == "x\ncontinued")
        #expect(values["s3.max_concurrent_requests"] == "10")
        #expect(values["s3.addressing_style"] == "path")
        #expect(values["e"] == "url#fragment")
    }

    @Test func keysAreCaseInsensitiveAndCRLFIsAccepted() throws {
        let config = try Self.load(credentials: "[default]\r\nAWS_Access_Key_ID = AKIAUPPER\r\n")
        #expect(config.profile("default")?["aws_access_key_id"] == "AKIAUPPER")
    }

    @Test func configAndCredentialsSectionRules() throws {
        let config = try Self.load(
            config: """
                [default]
                region = us-west-1
                [profile default]
                region = us-east-2
                [dev]
                region = ignored-without-profile-prefix
                [profile dev]
                region = eu-west-1
                [profile dev]
                output = json
                [profile bad name!]
                region = ap-south-1
                [services local]
                ecr =
                  endpoint_url = http://127.0.0.1:1
                """,
            credentials: "[dev]\nregion = eu-central-1\naws_access_key_id = AKIADEV\n[profile x]\naws_access_key_id = AKIAX\n")
        #expect(config.profile("default")?["region"] == "us-east-2", "[profile default] wins over [default]")
        #expect(config.profile("dev")?["region"] == "eu-central-1", "the credentials file wins key by key")
        #expect(config.profile("dev")?["output"] == "json", "repeated sections merge")
        #expect(config.profile("dev")?["aws_access_key_id"] == "AKIADEV")
        #expect(config.profile("bad name!") == nil)
        #expect(config.profile("profile x") == nil && config.profile("x") == nil, "credentials sections take no prefix")
        #expect(config.services["local"]?["ecr.endpoint_url"] == "http://127.0.0.1:1")
    }

    @Test func oversizedTokenFilesAreRefused() async throws {
        let home = try TemporaryDirectory()
        try String(repeating: "x", count: 65 << 10).write(toFile: home.file("token"), atomically: true, encoding: .utf8)
        var variables = AWSTestEnvironment.clean(home: home.path)
        variables["AWS_REGION"] = "us-east-1"
        variables["AWS_WEB_IDENTITY_TOKEN_FILE"] = home.file("token")
        variables["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/oidc"
        let context = try AWSContext(environment: AWSEnvironment(variables: variables))
        await #expect {
            try await context.credentials.credentials()
        } throws: { error in
            String(describing: error).contains("over 64 KiB")
        }
    }

    @Test func oversizedFilesAreRefused() throws {
        let big = "[default]\n" + String(repeating: "# padding padding padding padding\n", count: 40_000)
        #expect(throws: AWSConfigurationError.self) { try Self.load(config: big) }
    }
}
