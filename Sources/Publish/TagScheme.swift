import Foundation

/// The tags an image gets from its build context: a superset of docker/metadata-action with
/// the team's defaults.
///
/// - `{sha8}-{timestamp}`: the primary tag, immutable, unique per build;
/// - on a branch: `{branch}-{sha8}` and the rolling `{branch}-latest`;
/// - on a semver git tag: `v{version}`, and (not for pre-releases) the rolling
///   `{major}.{minor}`, `{major}` and `latest`;
/// - on a pull request: the rolling `pr-{number}`;
/// - `--env-tag NAME` (rolling), `--tag-template` (placeholders below), `--tag` (literal).
///
/// Placeholders: `{sha}`, `{sha8}`, `{branch}`, `{tag}`, `{version}`, `{major}`, `{minor}`,
/// `{patch}`, `{timestamp}` (`yyyyMMddHHmmss`, UTC build time), `{run}`, `{pr}`. A template
/// whose placeholder has no value in the context gives no tag.
public struct TagScheme: Sendable, Equatable {
    /// Whether the team's default tags are given (off: only templates and literal tags).
    public var defaults = true
    public var templates: [String] = []
    public var literals: [String] = []
    /// `staging`, `prod`, …: a rolling tag naming the environment the image is promoted to.
    public var environmentTag: String?

    public init() {}

    /// One tag and what kind it is.
    public struct Tag: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable {
            /// Names one build forever: a conflict is an error.
            case immutable
            /// Moves with each build (`latest`, `main-latest`, `1.2`).
            case rolling
            /// Given with `--tag` or a template: treated as immutable.
            case given
        }
        public var name: String
        public var kind: Kind
    }

    /// The tags for `context`, in order (the primary first), without duplicates.
    public func tags(for context: BuildContext) -> [Tag] {
        let values = Self.values(of: context)
        var tags: [Tag] = []
        let add = { (template: String, kind: Tag.Kind) in
            guard let name = Self.expand(template, values: values), !tags.contains(where: { $0.name == name }) else { return }
            tags.append(Tag(name: name, kind: kind))
        }
        if defaults {
            add("{sha8}-{timestamp}", .immutable)
            if context.branch != nil && context.pullRequest == nil {
                add("{branch}-{sha8}", .immutable)
                add("{branch}-latest", .rolling)
            }
            if let tag = context.gitTag, let version = SemanticVersion(tag) {
                add("v{version}", .immutable)
                if version.prerelease == nil {
                    add("{major}.{minor}", .rolling)
                    add("{major}", .rolling)
                    add("latest", .rolling)
                }
            } else if context.gitTag != nil {
                add("{tag}", .immutable)
            }
            if context.pullRequest != nil { add("pr-{pr}", .rolling) }
        }
        if let environmentTag { add(environmentTag, .rolling) }
        for template in templates { add(template, .given) }
        for literal in literals where TagName.isValid(literal) && !tags.contains(where: { $0.name == literal }) {
            tags.append(Tag(name: literal, kind: .given))
        }
        return tags
    }

    /// Every placeholder's value in `context` (absent when the context has none).
    static func values(of context: BuildContext) -> [String: String] {
        var values: [String: String] = [:]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMddHHmmss"
        values["timestamp"] = formatter.string(from: context.buildTime)
        if let sha = context.sha?.lowercased() {
            values["sha"] = sha
            values["sha8"] = String(sha.prefix(8))
        }
        if let branch = context.branch { values["branch"] = sanitized(branch) }
        if let tag = context.gitTag {
            values["tag"] = sanitized(tag)
            if let version = SemanticVersion(tag) {
                values["version"] = version.description
                values["major"] = String(version.major)
                values["minor"] = String(version.minor)
                values["patch"] = String(version.patch)
            }
        }
        if let run = context.runNumber { values["run"] = sanitized(run) }
        if let pr = context.pullRequest { values["pr"] = String(pr) }
        return values
    }

    /// `template` with its placeholders replaced, shortened to the 128 characters of a tag
    /// (by cutting `{branch}`, the only long value); nil when a value is missing or the
    /// result is no valid tag.
    static func expand(_ template: String, values: [String: String]) -> String? {
        var values = values
        func render() -> String? { fill(template, values: values) }
        guard var tag = render() else { return nil }
        if tag.count > 128, let branch = values["branch"], template.contains("{branch}") {
            let overflow = tag.count - 128
            values["branch"] = String(branch.prefix(max(1, branch.count - overflow)))
                .trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
            tag = render() ?? tag
        }
        return TagName.isValid(tag) ? tag : nil
    }

    /// `template` with each `{name}` replaced by its value; nil when one has none (the push
    /// record's key template uses it too).
    static func fill(_ template: String, values: [String: String]) -> String? {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { return nil }
            result += rest[..<open]
            guard let value = values[String(rest[rest.index(after: open)..<close])] else { return nil }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// A branch or git tag name in the tag grammar: anything but letters, digits, `_ . -`
    /// becomes `-` (slashes too), no leading `.` or `-`, at most 128 characters.
    public static func sanitized(_ name: String) -> String {
        let mapped = String(name.unicodeScalars.map { scalar -> Character in
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_.-".unicodeScalars.contains(scalar))
            return allowed ? Character(scalar) : "-"
        })
        var trimmed = Substring(mapped)
        while let first = trimmed.first, first == "." || first == "-" { trimmed = trimmed.dropFirst() }
        return String(trimmed.prefix(128))
    }
}

/// A semantic version from a git tag (`v1.2.3`, `1.2.3-rc.1`, `1.2`).
struct SemanticVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    var major: Int
    var minor: Int
    var patch: Int
    var prerelease: String?

    init?(_ text: String) {
        var text = Substring(text)
        if text.first == "v" || text.first == "V" { text = text.dropFirst() }
        let core = text.split(separator: "+", maxSplits: 1).first ?? ""
        let parts = core.split(separator: "-", maxSplits: 1)
        let numbers = (parts.first ?? "").split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(numbers.count),
              let major = Int(numbers[0]), let minor = Int(numbers[1]),
              numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        self.major = major
        self.minor = minor
        self.patch = numbers.count == 3 ? Int(numbers[2]) ?? 0 : 0
        prerelease = parts.count == 2 ? TagScheme.sanitized(String(parts[1])) : nil
    }

    var description: String {
        "\(major).\(minor).\(patch)" + (prerelease.map { "-\($0)" } ?? "")
    }

    static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        // A pre-release comes before its release.
        switch (lhs.prerelease, rhs.prerelease) {
        case (nil, nil), (nil, _): return false
        case (_, nil): return true
        case (let left?, let right?): return left < right
        }
    }
}
