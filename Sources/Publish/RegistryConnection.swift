import AWS
import Foundation
import HTTP
import Registry

/// The registry a push goes to: ECR's credentials from GetAuthorizationToken, the image's
/// name from the token's registry (or `--registry`), the traffic to `--registry-endpoint`
/// when given (VPC endpoints, proxies, tests) and else to that same registry.
struct RegistryConnection: Sendable {
    let client: RegistryClient
    /// The host that names the image (`<account>.dkr.ecr.<region>.amazonaws.com`), whatever
    /// endpoint the traffic goes to.
    let imageRegistry: String

    /// A registry that is not ECR (`--registry` names another host): credentials from the
    /// Docker config file or its credential helper, as the registry's challenge asks (Basic
    /// or a Bearer token), or none; no AWS call at all.
    static func open(options: PublishOptions, registry name: String, environment: [String: String]) async throws -> RegistryConnection {
        guard let endpoint = options.destination.registryEndpoint ?? URL(string: "https://\(name)") else {
            throw PublishError.invalidOption("--registry '\(name)' is not a host name")
        }
        let http = RetryingHTTPClient(wrapping: CurlHTTPClient(configuration: options.aws.httpConfiguration(), environment: environment))
        let credentials = try await DockerConfig.load(environment: environment)?.credentials(for: name, environment: environment)
        return try await connect(
            RegistryClient(endpoint: endpoint, http: http, authorizer: ChallengeAuthorizer(registry: name, credentials: credentials, http: http)),
            imageRegistry: name, destination: options.destination)
    }

    private static func connect(_ client: RegistryClient, imageRegistry: String, destination: DestinationStage) async throws -> RegistryConnection {
        var client = client
        if let chunkSize = destination.chunkSize { client.chunkSize = chunkSize }
        try await client.checkAPI()
        return RegistryConnection(client: client, imageRegistry: imageRegistry)
    }

    static func open(options: PublishOptions, context: AWSContext) async throws -> RegistryConnection {
        try await open(destination: options.destination, aws: options.aws, context: context)
    }

    /// The connection for `destination`'s `--registry` and `--registry-endpoint` (also what
    /// `sign` and `verify` use).
    static func open(destination: DestinationStage, aws: AWSSettings, context: AWSContext) async throws -> RegistryConnection {
        let authorizer = ECRAuthorizer(ecr: try context.ecr())
        let proxyEndpoint = try await authorizer.endpoint()
        guard let tokenRegistry = URL(string: proxyEndpoint), let tokenHost = tokenRegistry.host else {
            throw PublishError.invalidOption("ECR's GetAuthorizationToken named no usable registry endpoint ('\(proxyEndpoint)')")
        }
        let endpoint = destination.registryEndpoint ?? tokenRegistry
        let http = RetryingHTTPClient(wrapping: CurlHTTPClient(
            configuration: aws.httpConfiguration(), environment: context.environment.variables))
        return try await connect(
            RegistryClient(endpoint: endpoint, http: http, authorizer: authorizer),
            imageRegistry: destination.registry ?? tokenHost, destination: destination)
    }
}
