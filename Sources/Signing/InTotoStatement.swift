import OCI

/// An in-toto Statement v1 about one image: the SBOM (or any predicate) as JSON, with the
/// image name and manifest digest as its subject.
public struct InTotoStatement: Sendable {
    public static let type = "https://in-toto.io/Statement/v1"
    public static let spdxPredicateType = "https://spdx.dev/Document"

    public var subjectName: String
    public var subjectDigest: Digest
    public var predicateType: String
    /// The predicate's JSON text, embedded as it is (it must be one JSON value).
    public var predicateJSON: [UInt8]

    public init(subjectName: String, subjectDigest: Digest, predicateType: String, predicateJSON: [UInt8]) {
        self.subjectName = subjectName
        self.subjectDigest = subjectDigest
        self.predicateType = predicateType
        self.predicateJSON = predicateJSON
    }

    /// The statement's bytes: `_type`, `subject`, `predicateType`, `predicate`.
    public func bytes() -> [UInt8] {
        let head = #"{"_type":"# + JSONText.quoted(Self.type) + #","subject":[{"name":"# + JSONText.quoted(subjectName)
            + #","digest":{"# + JSONText.quoted(subjectDigest.algorithm.rawValue) + ":" + JSONText.quoted(subjectDigest.hex)
            + #"}}],"predicateType":"# + JSONText.quoted(predicateType) + #","predicate":"#
        return Array(head.utf8) + trimmed(predicateJSON) + Array("}".utf8)
    }

    private func trimmed(_ json: [UInt8]) -> [UInt8] {
        let space: Set<UInt8> = [0x20, 0x09, 0x0a, 0x0d]
        guard let first = json.firstIndex(where: { !space.contains($0) }),
              let last = json.lastIndex(where: { !space.contains($0) }) else { return Array("null".utf8) }
        return Array(json[first...last])
    }
}
