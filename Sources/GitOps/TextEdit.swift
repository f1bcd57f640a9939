import Yams

/// A replacement of a byte range of a file's text.
struct TextEdit: Equatable {
    var range: Range<Int>
    var replacement: String
    /// What the edit does, for the report (`deploy.yaml:12 image: a -> b`).
    var summary: String
    /// What the edit does to the parsed document (checked after editing).
    var changes: [ValueChange]

    /// Applies edits (non-overlapping) to `bytes`; untouched bytes stay exactly as they were.
    static func apply(_ edits: [TextEdit], to bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            result.replaceSubrange(edit.range, with: Array(edit.replacement.utf8))
        }
        return result
    }
}

extension TextEdit {
    /// Sets a one-line scalar to `value`, written in the scalar's style (quoted where plain
    /// would not read back as the string); `label` names the field in the summary.
    init(setting scalar: Node.Scalar, to value: String, in source: SourceText, label: String) throws {
        self.init(
            range: try source.span(of: scalar), replacement: SourceText.quoted(value, like: scalar.style),
            summary: "\(source.path):\(scalar.mark?.line ?? 0) \(label) \(scalar.string) -> \(value)",
            changes: [.set(.init(scalar: scalar), to: value)])
    }
}
