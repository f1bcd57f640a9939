@testable import AWS
import Crypto
import Foundation
import HTTP
import Testing
import TestSupport

/// The AWS SigV4 test suite (aws-c-auth `tests/aws-signing-test-suite/v4`, transcribed in
/// `Tests/Vectors/sigv4`): every case's canonical request, string to sign, signature and
/// Authorization header.
@Suite struct SigV4VectorTests {
    static let directory = Paths.repositoryRoot + "/Tests/Vectors/sigv4"
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        .filter { !$0.hasSuffix(".md") }.sorted()

    struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }
        var credentials: Credentials
        var normalize: Bool
        var region: String
        var service: String
        var sign_body: Bool
        var timestamp: String
        var omit_session_token: Bool?
    }

    /// A raw HTTP request as the suite writes it: request line, headers (with continuation
    /// lines), blank line, body.
    struct RawRequest {
        var method: String
        var path: String
        var query: String
        var headers = HTTPHeaders()
        var body: [UInt8] = []

        init(_ text: String) {
            let parts = text.components(separatedBy: "\n\n")
            let lines = parts[0].components(separatedBy: "\n")
            let requestLine = lines[0]
            let first = requestLine.firstIndex(of: " ")!
            let last = requestLine.range(of: " HTTP/", options: .backwards)!.lowerBound
            method = String(requestLine[..<first])
            let target = String(requestLine[requestLine.index(after: first)..<last])
            if let question = target.firstIndex(of: "?") {
                path = String(target[..<question])
                query = String(target[target.index(after: question)...])
            } else {
                path = target
                query = ""
            }
            var fields: [(String, String)] = []
            for line in lines.dropFirst() where !line.isEmpty {
                if line.first == " " || line.first == "\t", !fields.isEmpty {
                    fields[fields.count - 1].1 += " " + line
                } else if let colon = line.firstIndex(of: ":") {
                    fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
                }
            }
            for (name, value) in fields { headers.add(name, value) }
            if parts.count > 1 { body = Array(parts.dropFirst().joined(separator: "\n\n").utf8) }
        }
    }

    static func read(_ name: String, _ file: String) throws -> String {
        try String(contentsOfFile: "\(directory)/\(name)/\(file)", encoding: .utf8)
    }

    @Test func suiteIsPresent() {
        #expect(Self.cases.count >= 30)
    }

    @Test(arguments: cases)
    func vector(_ name: String) throws {
        let context = try JSONDecoder().decode(Context.self, from: Data(try Self.read(name, "context.json").utf8))
        let request = RawRequest(try Self.read(name, "request.txt"))
        var options = SigV4Signer.Options()
        options.normalizePath = context.normalize
        options.signContentSHA256 = context.sign_body
        options.signSessionToken = !(context.omit_session_token ?? false)
        let signer = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: context.credentials.access_key_id, secretAccessKey: context.credentials.secret_access_key,
                sessionToken: context.credentials.token, source: "test"),
            region: context.region, service: context.service, options: options)
        let date = try #require(ISO8601DateFormatter().date(from: context.timestamp))
        let payloadHash = context.sign_body ? SHA256Hasher.digest(request.body).hex : SigV4Signer.emptyPayloadHash
        let result = signer.signature(
            method: request.method, path: request.path, query: request.query, headers: request.headers,
            payloadHash: payloadHash, date: date)
        #expect(result.canonicalRequest == (try Self.read(name, "canonical-request.txt")))
        #expect(result.stringToSign == (try Self.read(name, "string-to-sign.txt")))
        #expect(result.signature == (try Self.read(name, "signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
        let signedRequest = try Self.read(name, "signed-request.txt")
        #expect(signedRequest.contains("Authorization:" + result.authorization))
    }

    @Test func s3PathsAreEncodedOnceAndNotNormalized() {
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret", source: "test"),
            region: "us-east-1", service: "s3", options: .s3)
        #expect(signer.canonicalPath("/my%20bucket/a//b/../c") == "/my%20bucket/a//b/../c")
        let other = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret", source: "test"),
            region: "us-east-1", service: "ecr")
        #expect(other.canonicalPath("/my%20bucket/a//b/../c") == "/my%2520bucket/a/c")
    }

    @Test func credentialsNeverPrintTheirSecrets() {
        let credentials = AWSCredentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: "token-value", source: "environment")
        for text in ["\(credentials)", String(describing: credentials), String(reflecting: credentials)] {
            #expect(!text.contains("wJalrXUtnFEMI"))
            #expect(!text.contains("token-value"))
            #expect(!text.contains("AKIAIOSFODNN7EXAMPLE"))
        }
    }
}
