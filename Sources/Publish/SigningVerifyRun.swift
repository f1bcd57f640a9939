import Crypto
import Foundation
import OCI
import Signing

/// `ecr-publish verify`: checks an image's cosign signature and attestations with a public
/// key (a PEM file, or the public key of an `awskms://` key), in the registry or in an OCI
/// layout written by `publish --no-push`.
public struct VerifyRun: Sendable {
    public var target: SigningTarget
    public var key: KeyReference
    /// The repository the payloads must name, for a layout (a registry reference names it).
    public var repository: String?
    /// `--registry` and `--registry-endpoint`.
    public var destination = DestinationStage()
    public var aws = AWSSettings()
    /// Fail when the image has no attestation.
    public var requireAttestation = false

    public init(target: SigningTarget, key: KeyReference) {
        self.target = target
        self.key = key
    }

    public func run() async throws -> ImageVerification.Result {
        let publicKey = try await Self.publicKey(key, aws: aws)
        let reader: any ArtifactReader
        let identity: String
        let image: (descriptor: Descriptor, bytes: [UInt8])?
        let reference: String
        switch target {
        case .layout(let path, let given):
            guard let repository, let registry = destination.registry else {
                throw PublishError.invalidOption("verifying a layout needs --registry HOST and --repository NAME: the signature names the image as <registry>/<repository>")
            }
            let layout = SigningLayoutReader(root: path)
            reference = try given ?? Self.onlyImage(in: layout)
            reader = layout
            identity = "\(registry)/\(repository)"
            image = try await layout.manifest(reference)
        case .registry(let host, let repository, let given):
            var destination = self.destination
            if let host { destination.registry = host }
            let connection = try await RegistryConnection.open(destination: destination, aws: aws, context: try aws.context())
            let remote = connection.client.repository(repository)
            reference = given
            reader = remote
            identity = "\(connection.imageRegistry)/\(repository)"
            image = try await remote.manifest(reference)
        }
        guard let (descriptor, bytes) = image else {
            throw SigningError.verificationFailed("\(reader.name) has no image \(reference)")
        }
        var verification = ImageVerification(reader: reader, key: publicKey, identity: identity)
        verification.requireAttestation = requireAttestation
        return try await verification.verify(image: descriptor, bytes: bytes)
    }

    /// The public key of `key`: a PEM file (`cosign.pub`), or KMS's for an `awskms://` key.
    static func publicKey(_ key: KeyReference, aws: AWSSettings) async throws -> ECDSAPublicKey {
        switch key {
        case .kms(let keyID, let endpoint):
            return try await KMSSigner(client: try SigningStage.kmsClient(aws: aws, endpoint: endpoint), keyID: keyID).publicKey()
        case .file(let path):
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            guard let size = attributes?[.size] as? Int else { throw SigningError.key("cannot read \(path): no such file or no permission") }
            guard size <= KeyFileReader.maximumSize, let data = FileManager.default.contents(atPath: path),
                  let text = String(data: data, encoding: .utf8) else {
                throw SigningError.key("\(path) is not a PEM public key file")
            }
            do {
                return try ECDSAPublicKey(pem: text)
            } catch {
                throw SigningError.key("\(path) is not an ECDSA P-256 public key in PEM (cosign.pub): \(error)")
            }
        }
    }

    /// The tag of the layout's one image (entries other than cosign's and the referrers').
    static func onlyImage(in layout: SigningLayoutReader) throws -> String {
        let names = try layout.index().manifests.compactMap { $0.annotations?[AnnotationKey.refName] }
            .filter { !$0.hasPrefix("sha256-") }
        guard names.count == 1 else {
            throw PublishError.invalidOption("\(layout.root) holds \(names.isEmpty ? "no tagged image" : "the images \(names.joined(separator: ", "))"): name one as \(layout.root):TAG")
        }
        return names[0]
    }
}
