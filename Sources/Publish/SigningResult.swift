import OCI

/// The signing stage of the report: what was signed with which key, and where each cosign
/// artifact and referrer went (the registry, the OCI layout, or both).
public struct SigningResult: Codable, Sendable {
    /// One `.sig` or `.att` image.
    public struct Artifact: Codable, Sendable, Equatable {
        public enum Outcome: String, Codable, Sendable {
            /// A layer was added (a new artifact, or one more signature).
            case added
            /// The same payload signed by the same key was there: nothing written.
            case alreadyThere = "already-there"
            /// Stored by digest, but the tag was not written (immutable tags).
            case untagged
        }
        public var tag: String
        /// The artifact's manifest digest.
        public var manifest: Digest
        /// The image manifest it is about.
        public var subject: Digest
        public var outcome: Outcome
        public var predicateType: String?
    }

    /// One OCI 1.1 referrer artifact (the SBOM).
    public struct Referrer: Codable, Sendable, Equatable {
        public enum Discovery: String, Codable, Sendable {
            /// The registry lists it through its referrers API.
            case referrersAPI = "referrers-api"
            /// In the referrers tag schema's index at `sha256-<hex>`.
            case tagSchema = "tag-schema"
            /// Stored by digest only: the index tag could not be written.
            case untagged
        }
        public var artifactType: String
        public var manifest: Digest
        public var subject: Digest
        public var discovery: Discovery
        /// The tag schema's index, when used.
        public var index: Digest?
    }

    /// What one destination got.
    public struct Destination: Codable, Sendable {
        /// `HOST/REPOSITORY` or `OCI layout DIR`.
        public var name: String
        public var signature: Artifact
        public var attestations: [Artifact]
        public var referrers: [Referrer]
    }

    /// `file` or `awskms`.
    public var keyKind: String
    /// The key file's path or the `awskms://` URI.
    public var key: String
    /// `<registry>/<repository>`: the identity the payloads name.
    public var identity: String
    /// The signed manifest (or index) digest.
    public var digest: Digest
    public var destinations: [Destination]
    /// What was held back and why (immutable tags, no SBOM to attest).
    public var notes: [String]
}
