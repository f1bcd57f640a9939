import OCI

/// The payload cosign signs for an image (containers/image "simple signing", as cosign
/// writes it): compact JSON naming the repository and the manifest digest. The bytes are
/// fixed by the format: verifiers hash exactly what is stored.
public struct SimpleSigningPayload: Equatable, Sendable {
    /// `<registry>/<repository>`, no tag or digest: the identity a verifier checks.
    public var dockerReference: String
    public var manifestDigest: Digest
    /// `optional` annotations (`--sign-annotation k=v`); nil writes `null`, as cosign does.
    public var annotations: [String: String]?

    public static let type = "cosign container image signature"

    public init(dockerReference: String, manifestDigest: Digest, annotations: [String: String]? = nil) {
        self.dockerReference = dockerReference
        self.manifestDigest = manifestDigest
        self.annotations = annotations
    }

    /// The payload bytes, with keys in cosign's order and annotations sorted by key (Go's
    /// encoding/json sorts map keys).
    public func bytes() -> [UInt8] {
        let optional = annotations.map { pairs in
            "{" + pairs.sorted { $0.key < $1.key }.map { "\(JSONText.quoted($0.key)):\(JSONText.quoted($0.value))" }.joined(separator: ",") + "}"
        } ?? "null"
        let json = #"{"critical":{"identity":{"docker-reference":"# + JSONText.quoted(dockerReference)
            + #"},"image":{"docker-manifest-digest":"# + JSONText.quoted(manifestDigest.description)
            + #"},"type":"# + JSONText.quoted(Self.type) + #"},"optional":"# + optional + "}"
        return Array(json.utf8)
    }
}
