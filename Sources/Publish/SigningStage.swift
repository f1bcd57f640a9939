import AWS
import Crypto
import Foundation
import Signing
import StreamIO

/// Signing (`--sign-key`): which key signs the image, what the signature carries, and
/// whether the SBOM is attested and attached as a referrer. A value a config file can fill.
public struct SigningStage: Sendable {
    /// A key file (cosign's format, PKCS#8 or SEC1 PEM) or `awskms:///…`.
    public var key: KeyReference
    /// `optional` of the simple-signing payload (`--sign-annotation k=v`).
    public var annotations: [String: String] = [:]
    /// Attest the SBOM as an in-toto statement at `sha256-<hex>.att` (`--no-attest` turns off).
    public var attest = true
    /// Attach the SBOM as an OCI 1.1 referrer artifact.
    public var referrers = true
    /// The key file's passphrase, asked for only when the file is encrypted.
    public var passphrase: @Sendable () throws -> [UInt8]

    public init(key: KeyReference, passphrase: @escaping @Sendable () throws -> [UInt8]) {
        self.key = key
        self.passphrase = passphrase
    }

    /// `file` or `awskms`, for the report.
    public var keyKind: String {
        if case .kms = key { return "awskms" }
        return "file"
    }

    /// The reference as the user gave it (a path or a URI; no secret in either).
    public var keyDescription: String {
        switch key {
        case .file(let path): return path
        case .kms(let keyID, let endpoint): return "awskms://\(endpoint ?? "")/\(keyID)"
        }
    }

    /// The key as far as it can be read at once: a key file's text and passphrase (asked for
    /// now, before anything else is shown), or the KMS client. `warn` hears about a key file
    /// others can read.
    public func readKey(aws: AWSSettings, warn: (String) -> Void) throws -> SealedKey {
        switch key {
        case .file(let path):
            let file = try KeyFileReader.load(path, passphrase: passphrase)
            if let warning = file.warning { warn(warning) }
            return .file(file)
        case .kms(let keyID, let endpoint):
            return .kms(KMSSigner(client: try Self.kmsClient(aws: aws, endpoint: endpoint), keyID: keyID))
        }
    }

    /// A key read by ``readKey(aws:warn:)``, not yet opened.
    public enum SealedKey: Sendable {
        case file(SealedKeyFile)
        case kms(KMSSigner)

        /// The signer and its public key: the key file decrypted (scrypt for cosign's format, on
        /// a thread of its own), or KMS's public key fetched. A wrong passphrase or an unusable
        /// KMS key fails here.
        public func open() async throws -> (any ImageSigner, ECDSAPublicKey) {
            let signer: any ImageSigner
            switch self {
            case .file(let file): signer = KeyFileSigner(key: try await Blocking.run { try file.open() })
            case .kms(let kms): signer = kms
            }
            return (signer, try await signer.publicKey())
        }
    }

    /// KMS of the run's AWS context (its endpoint settings included), or, as cosign does,
    /// `https://HOST[:PORT]` of `awskms://HOST[:PORT]/KEY`.
    static func kmsClient(aws: AWSSettings, endpoint: String?) throws -> KMSClient {
        let context = try aws.context()
        guard let endpoint else { return try context.kms() }
        guard let url = URL(string: "https://\(endpoint)"), url.host != nil, url.path.isEmpty else {
            throw SigningError.key("awskms://\(endpoint)/… names no usable KMS endpoint")
        }
        return KMSClient(http: context.http, credentials: context.credentials, region: context.region, endpoint: url)
    }
}

/// Parsing of `--sign-annotation k=v`.
extension SigningStage {
    public static func annotation(_ text: String) throws -> (key: String, value: String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw PublishError.invalidOption("--sign-annotation takes KEY=VALUE, not '\(text.prefix(100))'")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}
