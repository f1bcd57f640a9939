import AWS
import Crypto
import Foundation
import OCI
import Signing
import Testing
import TestSupport

/// `awskms://` keys: parsed as cosign writes them, and a KMS key in moto (signature checking
/// on) signs a cosign signature that our verifier and openssl accept.
@Suite(.serialized) struct KMSSignerTests {
    static let moto = Result(catching: { try MotoServer() })

    @Test func keyReferencesParseAsCosignWritesThem() throws {
        #expect(try KeyReference(parsing: "awskms:///alias/release") == .kms(keyID: "alias/release", endpoint: nil))
        #expect(try KeyReference(parsing: "awskms:///arn:aws:kms:eu-west-1:123456789012:key/1234abcd")
                == .kms(keyID: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd", endpoint: nil))
        #expect(try KeyReference(parsing: "awskms://localhost:4566/alias/x") == .kms(keyID: "alias/x", endpoint: "localhost:4566"))
        #expect(try KeyReference(parsing: "cosign.key") == .file("cosign.key"))
        #expect(throws: SigningError.self) { try KeyReference(parsing: "awskms://") }
        #expect(throws: SigningError.self) { try KeyReference(parsing: "awskms:///") }
    }

    @Test func kmsKeySignsACosignSignature() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("kms")
        let keyID = try moto.createSigningKey(spec: "ECC_NIST_P256", home: home.path)
        let context = try AWSContext(environment: AWSEnvironment(variables: moto.environment(home: home.path)))
        let signer = KMSSigner(client: try context.kms(), keyID: keyID)

        let digest = Digest(algorithm: .sha256, hex: String(repeating: "e5", count: 32))!
        let identity = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app"
        let payload = SimpleSigningPayload(dockerReference: identity, manifestDigest: digest).bytes()
        let layer = CosignLayer.signature(payload: payload, signature: try await signer.sign(payload))
        let image = try #require(try CosignArtifactImage.appending(layer, kind: .signature, to: nil))
        let manifest = try JSONDecoder().decode(ImageManifest.self, from: Data(image.manifestBytes))
        let publicKey = try await signer.publicKey()
        let verifier = CosignVerifier(key: publicKey, digest: digest, identity: identity)
        #expect(try verifier.verifySignatures(manifest) { image.blobs[$0] }.count == 1)

        // openssl agrees, with the public key KMS gave.
        try publicKey.pem().write(toFile: home.file("kms.pub"), atomically: true, encoding: .utf8)
        try Data(payload).write(to: URL(fileURLWithPath: home.file("payload.json")))
        try Data(base64Encoded: layer.annotations[CosignLayer.signatureAnnotation]!)!.write(to: URL(fileURLWithPath: home.file("sig.der")))
        try Tool.check("openssl", ["dgst", "-sha256", "-verify", home.file("kms.pub"), "-signature", home.file("sig.der"), home.file("payload.json")])
    }

    @Test func kmsKeysOfAnotherSpecAreRefused() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("kms")
        let keyID = try moto.createSigningKey(spec: "RSA_2048", home: home.path)
        let context = try AWSContext(environment: AWSEnvironment(variables: moto.environment(home: home.path)))
        await #expect(throws: SigningError.self) { _ = try await KMSSigner(client: try context.kms(), keyID: keyID).publicKey() }
    }
}

/// Key files for signing: an open mode draws a warning, a large or missing file a clear error.
@Suite struct KeyFileReaderTests {
    @Test func warnsAboutKeysOthersCanRead() throws {
        let directory = try TemporaryDirectory("keyfile")
        let path = directory.file("cosign.key")
        try CosignKeyFile.pem(for: try ECDSAPrivateKey.generate(), passphrase: Array("pw".utf8)).write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        #expect(try KeyFileReader.read(path) { Array("pw".utf8) }.warning == nil)
        chmod(path, 0o644)
        let warning = try #require(try KeyFileReader.read(path) { Array("pw".utf8) }.warning)
        #expect(warning.contains("chmod 600"))
        #expect(throws: SigningError.self) { try KeyFileReader.read(directory.file("absent.key")) { [] } }
        let large = directory.file("large.key")
        try String(repeating: "A", count: 70_000).write(toFile: large, atomically: true, encoding: .utf8)
        #expect(throws: SigningError.self) { try KeyFileReader.read(large) { [] } }
    }

    /// Loading asks for the passphrase (once, and only for an encrypted key); the key
    /// derivation and a wrong passphrase's error come when the key is opened.
    @Test func loadingAsksForThePassphraseOpeningChecksIt() throws {
        let directory = try TemporaryDirectory("keyfile-load")
        let key = try ECDSAPrivateKey.generate()
        let cosign = directory.file("cosign.key"), plain = directory.file("plain.key")
        try CosignKeyFile.pem(for: key, passphrase: Array("pw".utf8)).write(toFile: cosign, atomically: true, encoding: .utf8)
        try PEM.encode(PEM.Block(label: "PRIVATE KEY", bytes: try key.pkcs8DER())).write(toFile: plain, atomically: true, encoding: .utf8)
        var asked = 0
        let right = try KeyFileReader.load(cosign) { asked += 1; return Array("pw".utf8) }
        let wrong = try KeyFileReader.load(cosign) { asked += 1; return Array("not-pw".utf8) }
        #expect(asked == 2)
        #expect(try right.open().publicKey().spkiDER() == key.publicKey().spkiDER())
        #expect(throws: CryptoError.wrongPassphrase("the cosign key")) { try wrong.open() }
        let unencrypted = try KeyFileReader.load(plain) { asked += 1; return [] }
        #expect(try unencrypted.open().publicKey().spkiDER() == key.publicKey().spkiDER())
        #expect(asked == 2)
    }
}
