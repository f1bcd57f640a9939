import Crypto
import Foundation
import Testing
import TestSupport

/// Key files: cosign's encrypted format (both ways against an independent implementation
/// in Python: PyNaCl's scrypt and secretbox, `cryptography`'s ECDSA), PKCS#8 and SEC1 keys
/// made by the openssl CLI, and signatures that `openssl dgst -verify` checks.
@Suite struct KeyFormatTests {
    static let independent = Paths.repositoryRoot + "/Tests/Crypto/independent.py"

    /// Signs `message` with `key` and checks the signature with the openssl CLI and `publicPEM`.
    static func expectOpenSSLVerifies(_ key: ECDSAPrivateKey, publicPEM: String, in directory: TemporaryDirectory) throws {
        let message = Array("sign me \(UUID())".utf8)
        let signature = try key.sign(message)
        try Data(message).write(to: URL(fileURLWithPath: directory.file("message")))
        try Data(signature).write(to: URL(fileURLWithPath: directory.file("signature.der")))
        try publicPEM.write(toFile: directory.file("key.pub"), atomically: true, encoding: .utf8)
        let result = try Tool.run("openssl", ["dgst", "-sha256", "-verify", directory.file("key.pub"),
                                              "-signature", directory.file("signature.der"), directory.file("message")])
        #expect(result.status == 0, "openssl: \(result.stdout)\(result.stderr)")
    }

    @Test func generatedKeyRoundTripsThroughCosignFormat() throws {
        let directory = try TemporaryDirectory("keys")
        let key = try ECDSAPrivateKey.generate()
        let file = try CosignKeyFile.pem(for: key, passphrase: Array("correct horse".utf8))
        #expect(file.hasPrefix("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"))
        let read = try ECDSAPrivateKey(pem: file) { Array("correct horse".utf8) }
        #expect(try read.publicKey().pem() == key.publicKey().pem())
        try Self.expectOpenSSLVerifies(read, publicPEM: try key.publicKey().pem(), in: directory)

        // The independent implementation opens our file to the same public key.
        try file.write(toFile: directory.file("ours.key"), atomically: true, encoding: .utf8)
        let opened = try Tool.check("python3", [Self.independent, "open-cosign-key", directory.file("ours.key")],
                                    environment: ["COSIGN_PASSWORD": "correct horse"])
        #expect(opened.stdout == (try key.publicKey().pem()))
    }

    @Test func readsACosignKeyMadeByAnIndependentImplementation() throws {
        let directory = try TemporaryDirectory("keys")
        try Tool.check("python3", [Self.independent, "make-cosign-key", directory.file("py.key"), directory.file("py.pub")],
                       environment: ["COSIGN_PASSWORD": "pässword"])
        let pem = try String(contentsOfFile: directory.file("py.key"), encoding: .utf8)
        let key = try ECDSAPrivateKey(pem: pem) { Array("pässword".utf8) }
        let publicPEM = try String(contentsOfFile: directory.file("py.pub"), encoding: .utf8)
        #expect(try key.publicKey().pem() == publicPEM)
        try Self.expectOpenSSLVerifies(key, publicPEM: publicPEM, in: directory)
        #expect(throws: CryptoError.wrongPassphrase("the cosign key")) {
            try ECDSAPrivateKey(pem: pem) { Array("password".utf8) }
        }
    }

    /// go-securesystemslib's own vectors (encrypted/encrypted_test.go, MIT licence): the
    /// three scrypt strengths and its Decrypt case, passphrase "supersecret". The first three
    /// seal what its Marshal seals, the JSON of a byte string: `"<base64 of reallyimportant>"`;
    /// the last seals "reallyimportant" itself.
    static let envelopeVectors = [
        #"{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"WO3mVvyTwJ9vwT5/Tk5OW5WPIBUofMjcpEfrLnfY4uA="},"cipher":{"name":"nacl/secretbox","nonce":"tCy7HcTFr4uxv4Nrg/DWmncuZ148U1MX"},"ciphertext":"08n43p5G5yviPEZpO7tPPF4aZQkWiWjkv4taFdhDBA0tamKH4nw="}"#,
        #"{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"FhzPOt9/bJG4PTq6lQ6ecG6GzaOuOy/ynG5+yRiFlNs="},"cipher":{"name":"nacl/secretbox","nonce":"aw1ng1jHaDz/tQ7V2gR9O2+IGQ8xJEuE"},"ciphertext":"HycvuLZL4sYH0BrYTh4E/H20VtAW6u5zL5Pr+IBjYLYnCPzDkq8="}"#,
        #"{"kdf":{"name":"scrypt","params":{"N":131072,"r":8,"p":1},"salt":"m38E3kouJTtiheLQN22NQ8DTito5hrjpUIskqcd375k="},"cipher":{"name":"nacl/secretbox","nonce":"Y6PM13yA+o44pE/W1ZBwczeGnTV/m9Zc"},"ciphertext":"6H8sqj1K6B6yDjtH5AQ6lbFigg/C2yDDJc4rYJ79w9aVPImFIPI="}"#,
        #"{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"N9a7x5JFGbrtB2uBR81jPwp0eiLR4A7FV3mjVAQrg1g="},"cipher":{"name":"nacl/secretbox","nonce":"2h8HxMmgRfuYdpswZBQaU3xJ1nkA/5Ik"},"ciphertext":"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ=="}"#,
    ]

    @Test(arguments: envelopeVectors.indices)
    func decryptsTheSecureSystemsLibVectors(index: Int) throws {
        let vector = Self.envelopeVectors[index]
        let plaintext = try CosignKeyFile.decrypt(Array(vector.utf8), passphrase: Array("supersecret".utf8))
        let marshalled = "\"" + Data("reallyimportant".utf8).base64EncodedString() + "\""
        #expect(plaintext == Array((index == 3 ? "reallyimportant" : marshalled).utf8))
        #expect(throws: CryptoError.wrongPassphrase("the cosign key")) {
            try CosignKeyFile.decrypt(Array(vector.utf8), passphrase: Array("supersecreT".utf8))
        }
    }

    @Test func refusesScryptParametersOutsideTheKnownSets() {
        let vector = #"{"kdf":{"name":"scrypt","params":{"N":1073741824,"r":8,"p":1},"salt":"cZFcQJdwPhPyhU1R4qkl0qVOIjZd4V/7LYYAavq166k="},"cipher":{"name":"nacl/secretbox","nonce":"7vhRS7j0hEPBWV05skAdgLj81AkGeE7U"},"ciphertext":"6WYU/YSXVbYzl/NzaeAzmjLyfFhOOjLc0d8/GFV0aBFdJvyCcXc="}"#
        #expect(throws: CryptoError.unsupportedKey("unsupported scrypt parameters N=1073741824 r=8 p=1")) {
            try CosignKeyFile.decrypt(Array(vector.utf8), passphrase: Array("supersecret".utf8))
        }
    }

    /// RFC 7914 section 12, the first two vectors.
    @Test func scryptMatchesRFC7914() throws {
        let first = try Scrypt.derive(passphrase: [], salt: [], n: 16, r: 1, p: 1, length: 64)
        #expect(Hex.encode(first) == "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")
        let second = try Scrypt.derive(passphrase: Array("password".utf8), salt: Array("NaCl".utf8), n: 1024, r: 8, p: 16, length: 64)
        #expect(Hex.encode(second) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    @Test func readsPKCS8AndSEC1KeysFromOpenSSL() throws {
        let directory = try TemporaryDirectory("keys")
        let plain = directory.file("pkcs8.pem"), encrypted = directory.file("pkcs8-encrypted.pem"), sec1 = directory.file("sec1.pem")
        try Tool.check("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", plain])
        try Tool.check("openssl", ["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", plain, "-out", encrypted, "-passout", "pass:s3cr3t"])
        try Tool.check("openssl", ["ec", "-in", plain, "-out", sec1])
        let publicPEM = try Tool.check("openssl", ["pkey", "-in", plain, "-pubout"]).stdout
        for (path, passphrase) in [(plain, ""), (encrypted, "s3cr3t"), (sec1, "")] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let key = try ECDSAPrivateKey(pem: text) { Array(passphrase.utf8) }
            #expect(try key.publicKey().pem() == publicPEM, "\(path)")
            try Self.expectOpenSSLVerifies(key, publicPEM: publicPEM, in: directory)
        }
        let text = try String(contentsOfFile: encrypted, encoding: .utf8)
        #expect(throws: CryptoError.wrongPassphrase("the PKCS#8 key")) {
            try ECDSAPrivateKey(pem: text) { Array("wrong".utf8) }
        }
    }

    @Test func refusesKeysThatAreNotP256() throws {
        let directory = try TemporaryDirectory("keys")
        try Tool.check("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", directory.file("p384.pem")])
        try Tool.check("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", directory.file("rsa.pem")])
        for name in ["p384.pem", "rsa.pem"] {
            let text = try String(contentsOfFile: directory.file(name), encoding: .utf8)
            #expect(throws: CryptoError.self, "\(name)") { try ECDSAPrivateKey(pem: text) { [] } }
        }
        #expect(throws: CryptoError.self) { try ECDSAPrivateKey(pem: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n") { [] } }
    }

    @Test func verificationRejectsAnotherKeyAndAnotherMessage() throws {
        let key = try ECDSAPrivateKey.generate(), other = try ECDSAPrivateKey.generate()
        let message = Array("payload".utf8)
        let signature = try key.sign(message)
        #expect(try key.publicKey().verify(signature: signature, message: message))
        #expect(try !other.publicKey().verify(signature: signature, message: message))
        #expect(try !key.publicKey().verify(signature: signature, message: Array("payloaD".utf8)))
        #expect(try !key.publicKey().verify(signature: Array(signature.dropLast()), message: message))
    }
}
