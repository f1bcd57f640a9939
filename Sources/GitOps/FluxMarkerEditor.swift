import Foundation
import OCI
import Yams

/// Flux image-automation setter markers: a value followed by
/// `# {"$imagepolicy": "NAMESPACE:POLICY"}` (or with the marker alone on the line above it)
/// holds the whole image reference; with a `:tag`, `:name` or `:digest` suffix it holds that
/// part only. The marker decides its value: the other editors leave marked values alone, and
/// with a policy given (`--gitops-flux-policy`) they only edit the mappings holding its markers.
struct FluxMarkerEditor {
    let source: SourceText
    let match: ImageMatch
    let policy: String?
    private var pin: ImagePin { match.pin }

    init(source: SourceText, match: ImageMatch, policy: String?) {
        self.source = source
        self.match = match
        self.policy = policy
    }

    struct Marker {
        /// The line of the value the marker is for.
        var line: Int
        var policy: String
        var field: String?
    }

    /// A marked value, with its key and the mapping holding it.
    private struct Value {
        var scalar: Node.Scalar
        var key: String?
        var parent: Node.Mapping?
    }

    /// The markers in the file, by the line of the value they mark.
    func markers() -> [Marker] {
        var found: [Marker] = []
        for line in 1...max(1, source.lineStarts.count) {
            let text = String(decoding: source.line(line), as: UTF8.self)
            guard let open = text.range(of: "{\"$imagepolicy\"")?.lowerBound else { continue }
            let before = text[..<open].reversed().drop { $0 == " " || $0 == "\t" }
            guard before.first == "#", before.dropFirst().first.map({ $0 == " " || $0 == "\t" }) ?? true,
                  let data = String(text[open...]).data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: String],
                  let value = object["$imagepolicy"] else { continue }
            let parts = value.split(separator: ":").map(String.init)
            guard parts.count >= 2 else { continue }
            // A marker alone on its line is a head comment: it marks the next value.
            let target = before.dropFirst().allSatisfy({ $0 == " " || $0 == "\t" }) ? nextValueLine(after: line) : line
            found.append(Marker(line: target, policy: "\(parts[0]):\(parts[1])", field: parts.count > 2 ? parts[2] : nil))
        }
        return found
    }

    func edit(_ documents: [Node], into result: inout FileEdits) throws {
        if policy != nil { result.markedMappings = [] }
        let markers = markers()
        guard !markers.isEmpty else { return }
        var values: [Int: Value] = [:]
        for document in documents { collectValues(document, into: &values) }
        var ours = Set<String>()
        if let policy {
            ours.insert(policy)
        } else {
            for marker in markers {
                guard let value = values[marker.line], namesImage(value, field: marker.field) else { continue }
                ours.insert(marker.policy)
            }
        }
        result.markedLines = Set(markers.map(\.line))
        result.ownMarkedLines = Set(markers.filter { ours.contains($0.policy) }.map(\.line))
        for marker in markers where ours.contains(marker.policy) {
            guard let value = values[marker.line] else { continue }
            result.matched = true
            if policy != nil, let parent = value.parent, let first = parent.mark?.line {
                result.markedMappings?.append(first...source.lastLine(of: parent))
            }
            let scalar = value.scalar
            let wanted: String
            switch marker.field {
            case nil: wanted = pin.reference
            case "tag": wanted = hasSeparateDigest(value, policy: marker.policy, markers: markers) ? pin.tag : pin.tagFieldValue
            case "name": wanted = pin.image.name
            case "digest": wanted = pin.mode == .tag ? scalar.string : pin.digest.description
            default: continue
            }
            guard wanted != scalar.string else { continue }
            result.add(marked: try TextEdit(
                setting: scalar, to: wanted, in: source, label: marker.policy + (marker.field.map { ":\($0)" } ?? "")))
        }
    }

    /// Whether a marked value names the image: a whole reference or name, or a tag or digest
    /// beside the image's name (a kustomize entry, a Helm image mapping).
    private func namesImage(_ value: Value, field: String?) -> Bool {
        let named = { (text: String?) in text.flatMap(match.kind(of:)) != nil }
        if field == nil || field == "name" { return named(value.scalar.string) }
        guard let parent = value.parent.map(Node.mapping) else { return false }
        let registry = parent[key: "registry"]?.scalar?.string
        let repository = parent[key: "repository"]?.scalar?.string
        return named(parent[key: "name"]?.scalar?.string) || named(parent[key: "newName"]?.scalar?.string)
            || named(repository.map { (registry.map { "\($0)/" } ?? "") + $0 })
    }

    /// Whether the digest goes elsewhere than into the tag: a `:digest` marker of the policy,
    /// a `digest` key beside it, or a kustomize `newTag` (its entry gets a `digest:`).
    private func hasSeparateDigest(_ value: Value, policy: String, markers: [Marker]) -> Bool {
        pin.mode != .tagAndDigest || value.key == "newTag" || value.parent.map { Node.mapping($0)[key: "digest"] != nil } == true
            || markers.contains { $0.policy == policy && $0.field == "digest" }
    }

    /// The next line holding more than blanks or a comment.
    private func nextValueLine(after line: Int) -> Int {
        var next = line + 1
        while next <= source.lineStarts.count {
            let text = source.line(next).drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if let first = text.first, first != UInt8(ascii: "#") { return next }
            next += 1
        }
        return line
    }

    /// Mapping and list values by the line they start on (the last one wins).
    private func collectValues(_ node: Node, into values: inout [Int: Value]) {
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                if let scalar = value.scalar, let line = scalar.mark?.line {
                    values[line] = Value(scalar: scalar, key: key.scalar?.string, parent: mapping)
                }
                collectValues(value, into: &values)
            }
        case .sequence(let sequence):
            for item in sequence {
                if let scalar = item.scalar, let line = scalar.mark?.line { values[line] = Value(scalar: scalar) }
                collectValues(item, into: &values)
            }
        default:
            break
        }
    }
}
