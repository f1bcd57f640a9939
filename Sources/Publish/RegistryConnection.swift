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
        var client = RegistryClient(endpoint: endpoint, http: http, authorizer: authorizer)
        if let chunkSize = destination.chunkSize { client.chunkSize = chunkSize }
        try await client.checkAPI()
        return RegistryConnection(client: client, imageRegistry: destination.registry ?? tokenHost)
    }
}
