import Crypto
import Foundation
import OCI
import Signing
import Testing
import TestSupport

/// The bytes cosign's formats fix: the simple-signing payload, DSSE's PAE and envelope, the
/// in-toto statement; signatures over them checked by verifiers nobody here wrote
/// (openssl, securesystemslib).
@Suite struct SigningFormatTests {
    static let digest = Digest(algorithm: .sha256, hex: String(repeating: "ab", count: 32))!

    @Test func simpleSigningPayloadIsCosignsBytes() {
        let payload = SimpleSigningPayload(dockerReference: "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app", manifestDigest: Self.digest)
        let expected = #"{"critical":{"identity":{"docker-reference":"123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app"},"image":{"docker-manifest-digest":"sha256:\#(String(repeating: "ab", count: 32))"},"type":"cosign container image signature"},"optional":null}"#
        #expect(String(decoding: payload.bytes(), as: UTF8.self) == expected)
        let annotated = SimpleSigningPayload(dockerReference: "r/a", manifestDigest: Self.digest, annotations: ["z": "1", "commit": "a<b"])
        #expect(String(decoding: annotated.bytes(), as: UTF8.self).hasSuffix(#""optional":{"commit":"a\u003cb","z":"1"}}"#))
        // It is JSON, and says what a verifier checks.
        let object = try? JSONSerialization.jsonObject(with: Data(annotated.bytes())) as? [String: Any]
        let critical = object?["critical"] as? [String: Any]
        #expect(critical?["type"] as? String == "cosign container image signature")
    }

    /// The DSSE specification's example (protocol.md): PAE("http://example.com/HelloWorld", "hello world").
    @Test func preAuthenticationEncodingMatchesTheSpecification() {
        let pae = DSSEEnvelope.preAuthenticationEncoding(payloadType: "http://example.com/HelloWorld", payload: Array("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
        #expect(DSSEEnvelope.preAuthenticationEncoding(payloadType: "t", payload: Array("héllo".utf8)).count == "DSSEv1 1 t 6 ".utf8.count + 6)
    }

    @Test func attestationVerifiesWithSecureSystemsLib() throws {
        let directory = try TemporaryDirectory("dsse")
        let key = try ECDSAPrivateKey.generate()
        let statement = InTotoStatement(
            subjectName: "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app", subjectDigest: Self.digest,
            predicateType: InTotoStatement.spdxPredicateType, predicateJSON: Array(#"  {"spdxVersion":"SPDX-2.3"}\#n"#.utf8))
        let envelope = try DSSEEnvelope.signed(payload: statement.bytes()) { try key.sign($0) }
        try Data(envelope.bytes()).write(to: URL(fileURLWithPath: directory.file("envelope.json")))
        try key.publicKey().pem().write(toFile: directory.file("key.pub"), atomically: true, encoding: .utf8)
        let script = Paths.repositoryRoot + "/Tests/Crypto/independent.py"
        try Tool.check("python3", [script, "verify-dsse", directory.file("envelope.json"), directory.file("key.pub")])

        // The statement is in-toto v1 about the image.
        let decoded = try #require(envelope.payloadBytes())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(decoded)) as? [String: Any])
        #expect(object["_type"] as? String == "https://in-toto.io/Statement/v1")
        #expect(object["predicateType"] as? String == "https://spdx.dev/Document")
        let subject = try #require((object["subject"] as? [[String: Any]])?.first)
        #expect((subject["digest"] as? [String: String])?["sha256"] == Self.digest.hex)
        #expect((object["predicate"] as? [String: String])?["spdxVersion"] == "SPDX-2.3")

        // A tampered payload or another key fails the same verifier.
        var tampered = envelope
        tampered.payload = Data(decoded + Array(" ".utf8)).base64EncodedString()
        try Data(tampered.bytes()).write(to: URL(fileURLWithPath: directory.file("tampered.json")))
        #expect(try Tool.run("python3", [script, "verify-dsse", directory.file("tampered.json"), directory.file("key.pub")]).status != 0)
        try ECDSAPrivateKey.generate().publicKey().pem().write(toFile: directory.file("other.pub"), atomically: true, encoding: .utf8)
        #expect(try Tool.run("python3", [script, "verify-dsse", directory.file("envelope.json"), directory.file("other.pub")]).status != 0)
    }

    @Test func payloadSignatureVerifiesWithOpenSSL() throws {
        let directory = try TemporaryDirectory("sig")
        let key = try ECDSAPrivateKey.generate()
        let payload = SimpleSigningPayload(dockerReference: "r.example/team/app", manifestDigest: Self.digest).bytes()
        try Data(payload).write(to: URL(fileURLWithPath: directory.file("payload.json")))
        try Data(try key.sign(payload)).write(to: URL(fileURLWithPath: directory.file("sig.der")))
        try key.publicKey().pem().write(toFile: directory.file("cosign.pub"), atomically: true, encoding: .utf8)
        try Tool.check("openssl", ["dgst", "-sha256", "-verify", directory.file("cosign.pub"), "-signature", directory.file("sig.der"), directory.file("payload.json")])
    }
}
