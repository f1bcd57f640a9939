import AWS
import Foundation

/// What the repository allows for tags, and what the run does about a tag it may not move.
public struct TagPolicy: Sendable, Equatable {
    /// What to do when a tag that may not move already names another image.
    public enum ConflictAction: String, Sendable, Codable, CaseIterable {
        /// Stop with exit status 6 before any tag is written (default for immutable tags).
        case fail
        /// Leave the tag and say so.
        case skip
    }

    public var mutability: ECR.TagMutability = .mutable
    public var exclusions: [String] = []
    /// For the primary and the given tags (rolling ones are always skipped with a warning).
    public var onConflict: ConflictAction = .fail
    /// Move `latest`, `{major}` and `{major}.{minor}` even when a higher version has them.
    public var forceRollingTags = false

    public init() {}

    /// Whether the repository refuses to move `tag` once it exists.
    public func isImmutable(_ tag: String) -> Bool {
        let excluded = exclusions.contains { Self.wildcard($0, matches: tag) }
        switch mutability {
        case .mutable: return false
        case .immutable: return true
        case .immutableWithExclusion: return !excluded
        case .mutableWithExclusion: return excluded
        }
    }

    /// ECR's `WILDCARD` filters: `*` stands for any run of characters, nothing else is special.
    static func wildcard(_ pattern: String, matches text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == text }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(parts.last!)
    }
}
