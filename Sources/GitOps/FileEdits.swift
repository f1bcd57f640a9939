/// The edits for one file, and whether it references the image at all.
struct FileEdits {
    var path: String
    /// Byte offset of each line's start, to tell which line an edit is on.
    var lineStarts: [Int] = [0]
    var edits: [TextEdit] = []
    /// The file references the image (even when it already has the new value).
    var matched = false
    var warnings: [String] = []
    /// Lines whose value a Flux setter marker decides: the other editors leave them alone.
    var markedLines = Set<Int>()
    /// Lines marked by the policies that name this image.
    var ownMarkedLines = Set<Int>()
    /// With `--gitops-flux-policy`: the lines of the mappings holding that policy's markers,
    /// the only places the other editors may change (nil: anywhere).
    var markedMappings: [ClosedRange<Int>]?

    /// Adds an edit from a Flux marker: the marker decides its value.
    mutating func add(marked edit: TextEdit) {
        insert(edit)
    }

    /// Adds an edit unless it changes a value a Flux marker decides, or falls outside the
    /// mappings of the policy given.
    mutating func add(_ edit: TextEdit) {
        let touched = edit.changes.compactMap { change -> Int? in
            switch change {
            case .set(let position, _), .remove(let position): return position.line
            case .add, .append: return nil
            }
        }
        if touched.contains(where: markedLines.contains) { return }
        let line = self.line(of: edit.range.lowerBound)
        if let markedMappings, !markedMappings.contains(where: { $0.contains(line) }) { return }
        insert(edit)
    }

    private mutating func insert(_ edit: TextEdit) {
        guard !edits.contains(where: { $0.range.overlaps(edit.range) || ($0.range.isEmpty && $0.range.lowerBound == edit.range.lowerBound) }) else { return }
        edits.append(edit)
    }

    /// The 1-based line holding byte `offset`.
    private func line(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count
        while low < high {
            let middle = (low + high) / 2
            if lineStarts[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
