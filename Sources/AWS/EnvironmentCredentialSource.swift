import Foundation

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentialSource: CredentialSource {
    let environment: AWSEnvironment
    public let name = "environment variables"

    public init(environment: AWSEnvironment) { self.environment = environment }

    public func resolve() async throws -> CredentialResolution {
        let keyID = environment["AWS_ACCESS_KEY_ID"], secret = environment["AWS_SECRET_ACCESS_KEY"]
        switch (keyID, secret) {
        case (nil, nil):
            return .notConfigured("AWS_ACCESS_KEY_ID is not set")
        case (.some, nil):
            throw CredentialError.invalid(source: name, detail: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        case (nil, .some):
            throw CredentialError.invalid(source: name, detail: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        case (.some(let keyID), .some(let secret)):
            return .found(AWSCredentials(
                accessKeyID: keyID, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"],
                expiration: environment["AWS_CREDENTIAL_EXPIRATION"].flatMap(AWSTimestamp.parse), source: name))
        }
    }
}
