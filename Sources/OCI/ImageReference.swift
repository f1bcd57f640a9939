/// An image reference: `registry/repository[:tag][@digest]`, with Docker's defaults
/// (`nginx` is `docker.io/library/nginx`).
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// Registry host, with port if any (`123456789012.dkr.ecr.us-east-1.amazonaws.com`).
    public var registry: String
    /// Repository path (`team/app`).
    public var repository: String
    public var tag: String?
    public var digest: Digest?

    public init(registry: String, repository: String, tag: String? = nil, digest: Digest? = nil) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// Parses a reference; nil when it is not one (a malformed digest, an empty name,
    /// characters references cannot hold).
    public init?(parsing text: String) {
        var rest = Substring(text.trimmingCharactersInSet(" \t\r\n"))
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            guard let parsed = Digest(String(rest[rest.index(after: at)...])) else { return nil }
            digest = parsed
            rest = rest[..<at]
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), rest[colon...].firstIndex(of: "/") == nil {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
            guard let tag, Self.isValidTag(tag) else { return nil }
        }
        let components = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.isEmpty, components.allSatisfy({ !$0.isEmpty }) else { return nil }
        var registry = "docker.io"
        var path = components
        if components.count > 1, let first = components.first,
           first.contains(".") || first.contains(":") || first == "localhost" || first.contains(where: \.isUppercase) {
            registry = String(first)
            path = Array(components.dropFirst())
        }
        var repository = path.joined(separator: "/")
        if registry == "docker.io" && path.count == 1 { repository = "library/" + repository }
        guard repository.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "._-/".contains($0)) }) else { return nil }
        self.init(registry: registry, repository: repository, tag: tag, digest: digest)
    }

    /// `registry/repository`, the part that identifies the image across tags and digests.
    public var name: String { "\(registry)/\(repository)" }

    /// Whether both name the same repository (registry host compared case-insensitively).
    public func sameRepository(as other: ImageReference) -> Bool {
        registry.lowercased() == other.registry.lowercased() && repository == other.repository
    }

    public var description: String {
        name + (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
    }

    static func isValidTag(_ tag: String) -> Bool {
        guard let first = tag.first, tag.count <= 128, first != ".", first != "-" else { return false }
        return tag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }
}

extension String {
    /// Trims by Unicode scalars (in a Swift String, "\r\n" is one Character).
    fileprivate func trimmingCharactersInSet(_ characters: String) -> String {
        let set = Set(characters.unicodeScalars)
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
