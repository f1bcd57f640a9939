import Foundation
import Crypto
import OCI

/// cosign's tag-scheme artifacts for one image: the signature image at
/// `sha256-<hex>.sig` and the attestation image at `sha256-<hex>.att`. Each is an OCI image
/// whose layers are the signed payloads (simple-signing JSON, or DSSE envelopes) and whose
/// config lists their digests as diffIDs, the shape cosign writes and verifiers read.
public enum CosignArtifactKind: Sendable {
    case signature
    case attestation

    /// The tag suffix: `sig` or `att`.
    public var suffix: String { self == .signature ? "sig" : "att" }

    /// The media type of each layer.
    public var layerMediaType: String {
        self == .signature ? "application/vnd.dev.cosign.simplesigning.v1+json" : "application/vnd.dsse.envelope.v1+json"
    }

    /// `sha256-<hex>.sig` / `.att` for the image `digest`.
    public func tag(for digest: Digest) -> String { "\(digest.algorithm.rawValue)-\(digest.hex).\(suffix)" }
}

/// One signed payload to add as a layer.
public struct CosignLayer: Equatable, Sendable {
    public var payload: [UInt8]
    public var annotations: [String: String]

    public static let signatureAnnotation = "dev.cosignproject.cosign/signature"

    /// A simple-signing payload and its signature.
    public static func signature(payload: [UInt8], signature: [UInt8]) -> CosignLayer {
        CosignLayer(payload: payload, annotations: [signatureAnnotation: Data(signature).base64EncodedString()])
    }

    /// A DSSE envelope; cosign leaves the layer's signature annotation empty and names the
    /// predicate type.
    public static func attestation(envelope: DSSEEnvelope, predicateType: String) -> CosignLayer {
        CosignLayer(payload: envelope.bytes(), annotations: [signatureAnnotation: "", "predicateType": predicateType])
    }
}

/// A cosign artifact image, ready to write: its blobs (payloads and config) and manifest.
public struct CosignArtifactImage: Sendable {
    public var kind: CosignArtifactKind
    public var layers: [Descriptor]
    /// Blobs by digest: every payload and the config.
    public var blobs: [Digest: [UInt8]]
    public var configDescriptor: Descriptor
    public var manifestBytes: [UInt8]
    public var manifestDescriptor: Descriptor

    /// The largest payload read back (an attestation carries a whole SBOM).
    public static let maximumPayloadSize = 16 << 20

    /// `existing` (the artifact already at the tag, if any: its manifest and its layers'
    /// payloads) with `layer` appended. Returns nil when an equal layer is already there.
    public static func appending(
        _ layer: CosignLayer, kind: CosignArtifactKind, to existing: (manifest: ImageManifest, payloads: [Digest: [UInt8]])?
    ) throws -> CosignArtifactImage? {
        let digest = SHA256Hasher.digest(layer.payload)
        var layers = existing?.manifest.layers ?? []
        if layers.contains(where: { $0.digest == digest && ($0.annotations ?? [:]) == layer.annotations }) { return nil }
        layers.append(Descriptor(mediaType: kind.layerMediaType, digest: digest, size: Int64(layer.payload.count), annotations: layer.annotations))
        var blobs = existing?.payloads ?? [:]
        blobs[digest] = layer.payload
        return try make(kind: kind, layers: layers, blobs: blobs)
    }

    static func make(kind: CosignArtifactKind, layers: [Descriptor], blobs: [Digest: [UInt8]]) throws -> CosignArtifactImage {
        let config = configBytes(diffIDs: layers.map(\.digest))
        let configDescriptor = Descriptor(mediaType: MediaType.ociConfig, digest: SHA256Hasher.digest(config), size: Int64(config.count))
        var allBlobs = blobs
        allBlobs[configDescriptor.digest] = config
        let manifest = ImageManifest(mediaType: MediaType.ociManifest, config: configDescriptor, layers: layers)
        let bytes = try CanonicalJSON.encode(manifest)
        return CosignArtifactImage(
            kind: kind, layers: layers, blobs: allBlobs, configDescriptor: configDescriptor, manifestBytes: bytes,
            manifestDescriptor: Descriptor(mediaType: MediaType.ociManifest, digest: SHA256Hasher.digest(bytes), size: Int64(bytes.count)))
    }

    /// cosign's config for artifact images: empty platform, zero times, one history entry and
    /// one diffID per layer.
    static func configBytes(diffIDs: [Digest]) -> [UInt8] {
        let zero = #"{"created":"0001-01-01T00:00:00Z"}"#
        let history = Array(repeating: zero, count: diffIDs.count).joined(separator: ",")
        let ids = diffIDs.map { "\"\($0)\"" }.joined(separator: ",")
        let json = #"{"architecture":"","config":{},"created":"0001-01-01T00:00:00Z","history":["# + history
            + #"],"os":"","rootfs":{"type":"layers","diff_ids":["# + ids + "]}}"
        return Array(json.utf8)
    }
}
