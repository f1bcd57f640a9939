import Crypto
import Foundation
import HTTP

/// Amazon S3 (REST): PutObject for the push record and its SBOM. Paths follow S3's signing
/// rules (encoded once, not normalized); virtual-hosted addressing on AWS, path-style on a
/// configured endpoint (moto, MinIO, a VPC endpoint), as the SDKs do.
public struct S3Client: Sendable {
    let http: any HTTPClient
    let credentials: any CredentialProvider
    let region: String
    let endpoint: URL
    let pathStyle: Bool

    public init(http: any HTTPClient, credentials: any CredentialProvider, region: String, endpoint: URL, pathStyle: Bool) {
        self.http = http
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
        self.pathStyle = pathStyle
    }

    /// What to upload.
    public enum Body: Sendable {
        case bytes([UInt8])
        /// A file, hashed in one streaming read and then sent as it is read again.
        case file(String)
    }

    /// Puts `body` at `s3://bucket/key`; with `kmsKeyID`, encrypted with SSE-KMS. Returns the ETag.
    @discardableResult
    public func putObject(bucket: String, key: String, body: Body, contentType: String, kmsKeyID: String? = nil) async throws -> String {
        let (httpBody, payloadHash) = try Self.prepare(body)
        var request = HTTPRequest(method: "PUT", url: try url(bucket: bucket, key: key), body: httpBody)
        request.headers.set("Content-Type", contentType)
        if let kmsKeyID {
            request.headers.set("x-amz-server-side-encryption", "aws:kms")
            request.headers.set("x-amz-server-side-encryption-aws-kms-key-id", kmsKeyID)
        }
        let response = try await AWSRequestSender.send(
            request, via: http, payloadHash: payloadHash, credentials: credentials, region: region, signingName: "s3",
            signerOptions: .s3
        ) { response in
            guard !(200...299).contains(response.status) else { return nil }
            return AWSQueryClient.error(response, service: "S3", operation: "PutObject")
        }
        return response.headers["ETag"] ?? ""
    }

    /// The object's bytes (tests and replays read records back), at most `limit`.
    public func getObject(bucket: String, key: String, limit: Int = 64 * 1024 * 1024) async throws -> [UInt8] {
        let request = HTTPRequest(method: "GET", url: try url(bucket: bucket, key: key))
        let response = try await AWSRequestSender.send(
            request, via: http, payload: [], credentials: credentials, region: region, signingName: "s3", signerOptions: .s3
        ) { response in
            guard !(200...299).contains(response.status) else { return nil }
            return AWSQueryClient.error(response, service: "S3", operation: "GetObject")
        }
        return Array(response.body.prefix(limit))
    }

    func url(bucket: String, key: String) throws -> URL {
        let path = key.split(separator: "/", omittingEmptySubsequences: false).map { URIEncoding.encode(String($0)) }.joined(separator: "/")
        let base = endpoint.absoluteString.hasSuffix("/") ? String(endpoint.absoluteString.dropLast()) : endpoint.absoluteString
        let text: String
        if pathStyle {
            text = "\(base)/\(URIEncoding.encode(bucket))/\(path)"
        } else {
            guard var components = URLComponents(string: base), let host = components.host else {
                throw AWSConfigurationError.invalidProfile(name: "endpoint", detail: "'\(base)' has no host for S3")
            }
            components.host = "\(bucket).\(host)"
            text = (components.string ?? base) + "/\(path)"
        }
        guard let url = URL(string: text) else {
            throw AWSConfigurationError.invalidProfile(name: "s3", detail: "bucket '\(bucket)' and key '\(key)' make no URL")
        }
        return url
    }

    private static func prepare(_ body: Body) throws -> (HTTPBody, String) {
        switch body {
        case .bytes(let bytes):
            return (.bytes(bytes), SHA256Hasher.digest(bytes).hex)
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw AWSConfigurationError.invalidProfile(name: "s3", detail: "cannot read \(path)")
            }
            defer { try? handle.close() }
            let hasher = SHA256Hasher()
            var length: Int64 = 0
            while let chunk = try handle.read(upToCount: 256 * 1024), !chunk.isEmpty {
                chunk.withUnsafeBytes { hasher.update($0) }
                length += Int64(chunk.count)
            }
            return (.file(path: path, offset: 0, length: length), hasher.finalize().hex)
        }
    }
}
