import Foundation
import HTTP

extension RegistryClient {
    /// `GET /v2/` with the credentials: the registry speaks the distribution API and takes
    /// them.
    public func checkAPI() async throws {
        let response = try await send(HTTPRequest(method: "GET", url: url("/v2/")), operation: "check the registry API (GET /v2/)")
        guard (200...299).contains(response.status) else {
            throw failure(response, operation: "check the registry API (GET /v2/)")
        }
    }
}
