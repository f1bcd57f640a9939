import Yams

/// What an edit means for the parsed document: the value it sets, adds or removes, named by
/// the source position of the node it touches. The result check applies these to the
/// original documents and requires the edited file to parse to exactly that.
enum ValueChange: Equatable {
    /// The scalar starting at `position` becomes the string `value`.
    case set(Position, to: String)
    /// The mapping starting at `position` gains `key: value` as its last pair.
    case add(to: Position, key: String, value: Node)
    /// The mapping pair whose key starts at `position` goes.
    case remove(keyAt: Position)
    /// The sequence starting at `position` gains `item` as its last item.
    case append(to: Position, item: Node)

    /// Where a node starts; the kind tells a mapping from its own first key.
    struct Position: Hashable {
        enum Kind: Hashable { case scalar, mapping, sequence }
        var kind: Kind
        var line: Int
        var column: Int

        init?(of node: Node) {
            guard let mark = node.mark else { return nil }
            switch node {
            case .scalar: kind = .scalar
            case .mapping: kind = .mapping
            case .sequence: kind = .sequence
            case .alias: return nil
            }
            line = mark.line
            column = mark.column
        }

        init(scalar: Node.Scalar) {
            kind = .scalar
            line = scalar.mark?.line ?? 0
            column = scalar.mark?.column ?? 0
        }
    }

    /// A string scalar, as the result must hold it.
    static func string(_ value: String) -> Node {
        .scalar(Node.Scalar(value, Tag(.str)))
    }

    /// A mapping of string keys to string values, in order.
    static func mapping(_ pairs: [(String, String)]) -> Node {
        .mapping(Node.Mapping(pairs.map { (string($0.0), string($0.1)) }))
    }
}
