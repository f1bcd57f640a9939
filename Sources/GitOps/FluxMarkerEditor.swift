import Foundation
import OCI
import Yams

/// Flux image-automation setter markers: a value followed by
/// `# {"$imagepolicy": "NAMESPACE:POLICY"}` holds the whole image reference; with a
/// `:tag`, `:name` or `:digest` suffix it holds that part only. Markers of the policy that
/// names this image are honoured wherever they appear.
struct FluxMarkerEditor {
    let source: SourceText
    let pin: ImagePin
    let policy: String?

    struct Marker {
        var line: Int
        var policy: String
        var field: String?
    }

    /// The markers in the file, by line.
    func markers() -> [Marker] {
        var found: [Marker] = []
        for line in 1...max(1, source.lineStarts.count) {
            let text = String(decoding: source.line(line), as: UTF8.self)
            guard let hash = text.range(of: "# {\"$imagepolicy\""), let open = text[hash.lowerBound...].firstIndex(of: "{"),
                  let data = text[open...].data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: String],
                  let value = object["$imagepolicy"] else { continue }
            let parts = value.split(separator: ":").map(String.init)
            guard parts.count >= 2 else { continue }
            found.append(Marker(line: line, policy: "\(parts[0]):\(parts[1])", field: parts.count > 2 ? parts[2] : nil))
        }
        return found
    }

    func edit(_ documents: [Node], into result: inout FileEdits) throws {
        let markers = markers()
        guard !markers.isEmpty else { return }
        var scalarsByLine: [Int: Node.Scalar] = [:]
        for document in documents { collectValues(document, into: &scalarsByLine) }
        var ours = Set<String>()
        if let policy { ours.insert(policy) }
        for marker in markers where marker.field == nil || marker.field == "name" {
            guard let scalar = scalarsByLine[marker.line], let reference = ImageReference(parsing: scalar.string),
                  reference.sameRepository(as: pin.image) else { continue }
            ours.insert(marker.policy)
        }
        for marker in markers where ours.contains(marker.policy) {
            guard let scalar = scalarsByLine[marker.line] else { continue }
            result.matched = true
            let value: String
            switch marker.field {
            case nil: value = pin.reference
            case "tag": value = pin.mode == .tag ? pin.tag : (markers.contains { $0.policy == marker.policy && $0.field == "digest" } ? pin.tag : pin.tagFieldValue)
            case "name": value = pin.image.name
            case "digest": value = pin.mode == .tag ? scalar.string : pin.digest.description
            default: continue
            }
            guard value != scalar.string else { continue }
            result.add(TextEdit(
                range: try source.span(of: scalar), replacement: SourceText.quoted(value, like: scalar.style),
                summary: "\(source.path):\(marker.line) \(marker.policy)\(marker.field.map { ":\($0)" } ?? "") \(scalar.string) -> \(value)",
                changes: [.set(.init(scalar: scalar), to: value)]))
        }
    }

    /// Mapping values by the line they start on (the last one wins).
    private func collectValues(_ node: Node, into values: inout [Int: Node.Scalar]) {
        switch node {
        case .mapping(let mapping):
            for (_, value) in mapping {
                if let scalar = value.scalar, let line = scalar.mark?.line { values[line] = scalar }
                collectValues(value, into: &values)
            }
        case .sequence(let sequence):
            for item in sequence {
                if let scalar = item.scalar, let line = scalar.mark?.line { values[line] = scalar }
                collectValues(item, into: &values)
            }
        default:
            break
        }
    }
}
