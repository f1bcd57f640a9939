import OCI
import Yams

/// kustomization.yaml `images:` entries, with kustomize's semantics: an entry that renders
/// the image's repository (its `newName`, else its `name`) gets `newTag` and/or `digest` as
/// the pin mode says (kustomize renders `newName:newTag@digest` when both are set), and the
/// field the mode does not use is removed so a stale value cannot win. An entry for a
/// repository the image replaces (`--gitops-match`) gets `newName` too.
struct KustomizationEditor {
    let source: SourceText
    let match: ImageMatch
    let addMissing: Bool
    private var pin: ImagePin { match.pin }

    init(source: SourceText, match: ImageMatch, addMissing: Bool) {
        self.source = source
        self.match = match
        self.addMissing = addMissing
    }

    func edit(_ document: Node, into result: inout FileEdits) throws {
        var found = false
        if case .sequence(let images)? = document[key: "images"] {
            for entry in images {
                guard case .mapping = entry, let kind = kind(of: entry, into: &result) else { continue }
                found = true
                result.matched = true
                try apply(to: entry, renamed: kind == .replaced, into: &result)
            }
        }
        if !found && addMissing {
            try addEntry(to: document, into: &result)
            result.matched = true
        }
    }

    /// How an entry matches: by the image it renders; an entry sending the image's name to
    /// another repository is not the image's. A repository it replaces matches by either name.
    private func kind(of entry: Node, into result: inout FileEdits) -> ImageMatch.Kind? {
        // An entry the image's Flux policy marks is the image's: the markers set its name.
        if case .mapping(let mapping) = entry, mapping.contains(where: { $0.value.mark.map { result.ownMarkedLines.contains($0.line) } == true }) {
            return .image
        }
        let name = entry[key: "name"]?.scalar?.string, newName = entry[key: "newName"]?.scalar?.string
        if let rendered = newName ?? name, match.kind(of: rendered) == .image { return .image }
        if [name, newName].contains(where: { $0.flatMap(match.kind(of:)) == .replaced }) { return .replaced }
        if let name, let newName, match.kind(of: name) == .image {
            result.warnings.append("\(source.path):\(entry.mark?.line ?? 0): the images: entry for \(name) renders \(newName); left unchanged")
        }
        return nil
    }

    private func wanted(renamed: Bool) -> [(key: String, value: String?)] {
        let name: [(key: String, value: String?)] = renamed ? [("newName", pin.image.name)] : []
        switch pin.mode {
        case .tag: return name + [("newTag", pin.tag), ("digest", nil)]
        case .digest: return name + [("newTag", nil), ("digest", pin.digest.description)]
        case .tagAndDigest: return name + [("newTag", pin.tag), ("digest", pin.digest.description)]
        }
    }

    private func apply(to entry: Node, renamed: Bool, into result: inout FileEdits) throws {
        guard case .mapping(let mapping) = entry, let position = ValueChange.Position(of: entry),
              let firstKey = mapping.first?.key.scalar?.mark else { return }
        var added: [(key: String, value: String)] = []
        for (key, value) in wanted(renamed: renamed) {
            let existing = mapping.first { $0.key.scalar?.string == key }
            switch (existing, value) {
            case (let pair?, let value?):
                guard let scalar = pair.value.scalar, scalar.string != value else { continue }
                result.add(try TextEdit(setting: scalar, to: value, in: source, label: key))
            case (nil, let value?):
                added.append((key, value))
            case (let pair?, nil):
                result.add(try deletion(of: pair, key: key, in: mapping))
            case (nil, nil):
                continue
            }
        }
        guard !added.isEmpty else { return }
        // One insertion for all new keys: two at one offset would be one too many.
        var edit: TextEdit
        if source.isFlow(entry) {
            guard let last = mapping.reversed().first?.value.scalar else { try requireBlock(entry); return }
            let end = try source.span(of: last).upperBound
            edit = TextEdit(range: end..<end, replacement: added.map { ", \($0.key): \(SourceText.quoted($0.value, like: .plain))" }.joined(),
                            summary: "\(source.path):\(last.mark?.line ?? 0) added \(added.map(\.key).joined(separator: ", "))", changes: [])
        } else {
            edit = try insertion(after: source.lastLine(of: mapping), indent: firstKey.column - 1,
                                 text: added.map { "\($0.key): \(SourceText.quoted($0.value, like: .plain))" }.joined(separator: "\n"))
        }
        edit.changes = added.map { .add(to: position, key: $0.key, value: ValueChange.string($0.value)) }
        result.add(edit)
    }

    private func requireBlock(_ node: Node) throws {
        guard !source.isFlow(node) else {
            throw GitOpsError.uneditableValue(
                file: source.path, line: node.mark?.line ?? 0,
                detail: "the images: \(node.mapping == nil ? "list is a flow list ([...])" : "entry is a flow mapping ({...})") that this change needs to rewrite; write it in block style")
        }
    }

    private func addEntry(to document: Node, into result: inout FileEdits) throws {
        let fields = [("name", pin.image.name)] + wanted(renamed: false).compactMap { pair in pair.value.map { (pair.key, $0) } }
        let written = fields.map { ($0.0, SourceText.quoted($0.1, like: .plain)) }
        if case .sequence(let images)? = document[key: "images"], let last = images.last, case .mapping(let mapping) = last,
           let firstKey = mapping.first?.key.scalar?.mark {
            try requireBlock(document[key: "images"] ?? last)
            let indent = firstKey.column - 1
            var lines = [String(repeating: " ", count: max(0, indent - 2)) + "- \(written[0].0): \(written[0].1)"]
            lines += written.dropFirst().map { String(repeating: " ", count: indent) + "\($0.0): \($0.1)" }
            var edit = try insertion(after: source.lastLine(of: mapping), indent: 0, text: lines.joined(separator: "\n"))
            if let images = document[key: "images"], let position = ValueChange.Position(of: images) {
                edit.changes = [.append(to: position, item: ValueChange.mapping(fields))]
            }
            result.add(edit)
        } else if document[key: "images"] == nil {
            var lines = ["images:", "- \(written[0].0): \(written[0].1)"]
            lines += written.dropFirst().map { "  \($0.0): \($0.1)" }
            let end = source.bytes.count
            let needsNewline = end > 0 && source.bytes[end - 1] != UInt8(ascii: "\n")
            result.add(TextEdit(
                range: end..<end, replacement: (needsNewline ? newline : "") + lines.joined(separator: newline) + newline,
                summary: "\(source.path) images: added \(pin.image.name)",
                changes: ValueChange.Position(of: document).map {
                    [.add(to: $0, key: "images", value: .sequence(Node.Sequence([ValueChange.mapping(fields)])))]
                } ?? []))
        } else {
            throw GitOpsError.uneditableValue(file: source.path, line: document[key: "images"]?.mark?.line ?? 0,
                                              detail: "the images: list is not a block list of mappings")
        }
        result.warnings.append("\(source.path): added an images: entry for \(pin.image.name)")
    }

    private var newline: String { source.bytes.contains(UInt8(ascii: "\r")) ? "\r\n" : "\n" }

    /// A new line after line `line` (1-based).
    private func insertion(after line: Int, indent: Int, text: String) throws -> TextEdit {
        let endOfLine = line < source.lineStarts.count ? source.lineStarts[line] - 1 : source.bytes.count
        let position = endOfLine > 0 && source.bytes[max(0, endOfLine - 1)] == UInt8(ascii: "\r") ? endOfLine - 1 : endOfLine
        let padded = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String(repeating: " ", count: indent) + $0 }.joined(separator: newline)
        return TextEdit(range: position..<position, replacement: newline + padded,
                        summary: "\(source.path):\(line + 1) added \(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\n", with: ", "))",
                        changes: [])
    }

    /// Removes a `key: value` pair, with the lines that continue its value.
    private func deletion(of pair: (key: Node, value: Node), key: String, in mapping: Node.Mapping) throws -> TextEdit {
        guard let mark = pair.key.mark else {
            throw GitOpsError.uneditableValue(file: source.path, line: 0, detail: "\(key) without a position")
        }
        try requireBlock(.mapping(mapping))
        let line = mark.line
        let start = source.lineStarts[line - 1]
        let content = String(decoding: source.line(line), as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard content.hasPrefix(key + ":") else {
            throw GitOpsError.uneditableValue(file: source.path, line: line, detail: "\(key) shares its line with other fields")
        }
        let last = source.lastLine(continuing: pair.value.mark?.line ?? line, deeperThan: mark.column - 1)
        let end = last < source.lineStarts.count ? source.lineStarts[last] : source.bytes.count
        return TextEdit(range: start..<end, replacement: "", summary: "\(source.path):\(line) removed \(key)",
                        changes: [.remove(keyAt: .init(scalar: pair.key.scalar ?? Node.Scalar(key)))])
    }
}
