import Yams

/// After editing, the file is parsed again and must equal the original documents with
/// exactly the intended changes applied: same keys, same values, same types. Anything else
/// (a value merged into its neighbour, a tag turned into a number) aborts the update.
struct ResultCheck {
    let original: SourceText
    private var sets: [ValueChange.Position: String] = [:]
    private var adds: [ValueChange.Position: [(Node, Node)]] = [:]
    private var removes = Set<ValueChange.Position>()
    private var appends: [ValueChange.Position: [Node]] = [:]

    init(original: SourceText, changes: [ValueChange]) {
        self.original = original
        for change in changes {
            switch change {
            case .set(let position, let value): sets[position] = value
            case .add(let position, let key, let value): adds[position, default: []].append((ValueChange.string(key), value))
            case .remove(let position): removes.insert(position)
            case .append(let position, let item): appends[position, default: []].append(item)
            }
        }
    }

    func verify(_ result: SourceText) throws {
        let expected = original.documents.map(applied)
        guard expected.count == result.documents.count else {
            throw GitOpsError.unintendedChange(
                file: result.path, line: nil,
                detail: "the file would hold \(result.documents.count) YAML documents instead of \(expected.count)")
        }
        for (want, got) in zip(expected, result.documents) where want != got {
            let difference = Self.difference(want, got, path: "")
            throw GitOpsError.unintendedChange(file: result.path, line: difference.line, detail: difference.detail)
        }
    }

    /// The original node with the intended changes made.
    private func applied(_ node: Node) -> Node {
        switch node {
        case .scalar(let scalar):
            if let position = ValueChange.Position(of: node), let value = sets[position] {
                return .scalar(Node.Scalar(value, Tag(.str), scalar.style, scalar.mark))
            }
            return node
        case .mapping(let mapping):
            var pairs: [(Node, Node)] = []
            for (key, value) in mapping {
                if let position = ValueChange.Position(of: key), removes.contains(position) { continue }
                pairs.append((key, applied(value)))
            }
            if let position = ValueChange.Position(of: node) { pairs += adds[position] ?? [] }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            var items = sequence.map(applied)
            if let position = ValueChange.Position(of: node) { items += appends[position] ?? [] }
            return .sequence(Node.Sequence(items, sequence.tag, sequence.style, sequence.mark))
        case .alias:
            return node
        }
    }

    /// The first place where `got` differs from `want`, said for a user.
    private static func difference(_ want: Node, _ got: Node, path: String) -> (line: Int?, detail: String) {
        let place = path.isEmpty ? "the document" : path
        switch (want, got) {
        case (.mapping(let wanted), .mapping(let found)):
            let wantedPairs = Array(wanted), foundPairs = Array(found)
            for (index, pair) in foundPairs.enumerated() {
                guard index < wantedPairs.count else {
                    return (pair.key.mark?.line, "\(place) would gain the key \(describe(pair.key))")
                }
                let key = wantedPairs[index].key
                guard key == pair.key else {
                    return (pair.key.mark?.line, "\(place) would have the key \(describe(pair.key)) where \(describe(key)) was")
                }
                if wantedPairs[index].value != pair.value {
                    return difference(wantedPairs[index].value, pair.value, path: join(path, key.scalar?.string ?? "?"))
                }
            }
            if wantedPairs.count > foundPairs.count {
                return (found.mark?.line, "\(place) would lose the key \(describe(wantedPairs[foundPairs.count].key))")
            }
        case (.sequence(let wanted), .sequence(let found)):
            for (index, item) in found.enumerated() where index < wanted.count && wanted[index] != item {
                return difference(wanted[index], item, path: path + "[\(index)]")
            }
            if wanted.count != found.count {
                return (found.mark?.line, "\(place) would have \(found.count) items instead of \(wanted.count)")
            }
        default:
            break
        }
        return (got.mark?.line, "\(place) would be \(describe(got)) instead of \(describe(want))")
    }

    private static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    private static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            let tag = node.tag.rawValue
            let type = tag == Tag.Name.str.rawValue ? "" : " (a YAML \(tag.split(separator: ":").last ?? "typed value"))"
            return "'\(scalar.string.prefix(80))'" + type
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
