/// The edits for one file, and whether it references the image at all.
struct FileEdits {
    var path: String
    var edits: [TextEdit] = []
    /// The file references the image (even when it already has the new value).
    var matched = false
    var warnings: [String] = []

    mutating func add(_ edit: TextEdit) {
        guard !edits.contains(where: { $0.range.overlaps(edit.range) || ($0.range.isEmpty && $0.range.lowerBound == edit.range.lowerBound) }) else { return }
        edits.append(edit)
    }
}
