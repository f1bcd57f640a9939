import Crypto
import Foundation
import HTTP

/// The AWS JSON protocol (ECR and KMS speak 1.1, DynamoDB 1.0): a signed POST to `/` naming
/// the operation in `X-Amz-Target`.
public struct AWSJSONClient: Sendable {
    public let http: any HTTPClient
    public let credentials: any CredentialProvider
    public let region: String
    public let endpoint: URL
    public let signingName: String
    /// `X-Amz-Target` prefix, e.g. `AmazonEC2ContainerRegistry_V20150921`.
    public let targetPrefix: String
    /// `1.1` or `1.0`.
    public let jsonVersion: String
    /// The service's name in messages (`ECR`).
    public let displayName: String

    public init(http: any HTTPClient, credentials: any CredentialProvider, region: String, endpoint: URL,
                signingName: String, targetPrefix: String, jsonVersion: String, displayName: String) {
        self.http = http
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
        self.signingName = signingName
        self.targetPrefix = targetPrefix
        self.jsonVersion = jsonVersion
        self.displayName = displayName
    }

    /// Calls `operation` with `input`; decodes the answer as `Output`.
    public func call<Output: Decodable & Sendable>(
        _ operation: String, _ input: some Encodable, as output: Output.Type = Output.self, idempotent: Bool = true
    ) async throws -> Output {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Array(try encoder.encode(input))
        var request = HTTPRequest(method: "POST", url: endpoint, body: .bytes(body))
        request.isIdempotent = idempotent
        request.headers.set("Content-Type", "application/x-amz-json-\(jsonVersion)")
        request.headers.set("X-Amz-Target", "\(targetPrefix).\(operation)")
        let response = try await AWSRequestSender.send(
            request, via: http, payload: body, credentials: credentials, region: region, signingName: signingName
        ) { response in
            guard !(200...299).contains(response.status) else { return nil }
            return Self.error(response, service: displayName, operation: operation)
        }
        do {
            let bytes = response.body.isEmpty ? Array("{}".utf8) : response.body
            return try JSONDecoder().decode(Output.self, from: Data(bytes))
        } catch {
            throw AWSServiceError(
                service: displayName, operation: operation, code: "InvalidResponse",
                message: "the answer could not be read: \(error)", requestID: response.headers["x-amzn-RequestId"],
                status: response.status)
        }
    }

    static func error(_ response: HTTPResponse, service: String, operation: String) -> AWSServiceError {
        struct Body: Decodable {
            var __type: String?
            var code: String?
            var message: String?
            var Message: String?
        }
        let body = try? JSONDecoder().decode(Body.self, from: Data(response.body))
        // Some endpoints (and AWS's own front ends for signature failures) answer in the
        // Query protocol's XML instead.
        if body == nil, let xml = XMLTree.parse(response.body), let error = xml.find("Error") ?? (xml.name == "Error" ? xml : nil) {
            return AWSServiceError(
                service: service, operation: operation, code: error.first("Code")?.text ?? "HTTP\(response.status)",
                message: error.first("Message")?.text ?? "",
                requestID: xml.find("RequestId")?.text ?? response.headers["x-amzn-RequestId"], status: response.status)
        }
        var code = response.headers["x-amzn-ErrorType"] ?? body?.__type ?? body?.code ?? "HTTP\(response.status)"
        // `aws.protocoltests#Code:http://…` and `namespace#Code` both name `Code`.
        if let colon = code.firstIndex(of: ":") { code = String(code[..<colon]) }
        if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
        return AWSServiceError(
            service: service, operation: operation, code: code,
            message: body?.message ?? body?.Message ?? "", requestID: response.headers["x-amzn-RequestId"],
            status: response.status)
    }
}

/// An empty JSON answer.
public struct AWSEmptyOutput: Decodable, Sendable {}

/// Signs and sends a request (once: retries are the HTTP client's, see ``AWSRetry``) and
/// turns an error answer into an ``AWSServiceError``.
enum AWSRequestSender {
    static func send(
        _ request: HTTPRequest, via http: any HTTPClient, payload: [UInt8], credentials provider: (any CredentialProvider)?,
        region: String, signingName: String, signerOptions: SigV4Signer.Options = SigV4Signer.Options(),
        classify: (HTTPResponse) -> AWSServiceError?
    ) async throws -> HTTPResponse {
        try await send(
            request, via: http, payloadHash: SHA256Hasher.digest(payload).hex, credentials: provider, region: region,
            signingName: signingName, signerOptions: signerOptions, classify: classify)
    }

    /// The same, for a body hashed beforehand (a file sent as it is read).
    static func send(
        _ request: HTTPRequest, via http: any HTTPClient, payloadHash: String, credentials provider: (any CredentialProvider)?,
        region: String, signingName: String, signerOptions: SigV4Signer.Options = SigV4Signer.Options(),
        classify: (HTTPResponse) -> AWSServiceError?
    ) async throws -> HTTPResponse {
        var signed = request
        if let provider {
            let credentials = try await provider.credentials()
            SigV4Signer(credentials: credentials, region: region, service: signingName, options: signerOptions)
                .sign(&signed, payloadHash: payloadHash)
        }
        let response = try await http.execute(signed)
        if let error = classify(response) { throw error }
        return response
    }
}
