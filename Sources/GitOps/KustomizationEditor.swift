import OCI
import Yams

/// kustomization.yaml `images:` entries, with kustomize's semantics: an entry whose `name`
/// (or `newName`) is the image's repository gets `newTag` and/or `digest` as the pin mode
/// says (kustomize renders `newName:newTag@digest` when both are set), and the field the
/// mode does not use is removed so a stale value cannot win.
struct KustomizationEditor {
    let source: SourceText
    let pin: ImagePin
    let addMissing: Bool

    func edit(_ document: Node, into result: inout FileEdits) throws {
        var found = false
        if case .sequence(let images)? = document[key: "images"] {
            for entry in images {
                guard case .mapping = entry else { continue }
                let names = [entry[key: "name"], entry[key: "newName"]].compactMap { $0?.scalar?.string }
                guard names.contains(where: { ImageReference(parsing: $0)?.sameRepository(as: pin.image) == true }) else { continue }
                found = true
                result.matched = true
                try apply(to: entry, into: &result)
            }
        }
        if !found && addMissing {
            try addEntry(to: document, into: &result)
            result.matched = true
        }
    }

    private var wanted: [(key: String, value: String?)] {
        switch pin.mode {
        case .tag: return [("newTag", pin.tag), ("digest", nil)]
        case .digest: return [("newTag", nil), ("digest", pin.digest.description)]
        case .tagAndDigest: return [("newTag", pin.tag), ("digest", pin.digest.description)]
        }
    }

    private func apply(to entry: Node, into result: inout FileEdits) throws {
        guard case .mapping(let mapping) = entry else { return }
        let keys = mapping.map { $0.key }
        guard let firstKey = keys.first?.scalar?.mark else { return }
        for (key, value) in wanted {
            let existing = mapping.first { $0.key.scalar?.string == key }
            switch (existing, value) {
            case (let pair?, let value?):
                guard let scalar = pair.value.scalar, scalar.string != value else { continue }
                result.add(TextEdit(
                    range: try source.span(of: scalar), replacement: SourceText.quoted(value, like: scalar.style),
                    summary: "\(source.path):\(scalar.mark?.line ?? 0) \(key) \(scalar.string) -> \(value)"))
            case (nil, let value?):
                let lastLine = mapping.compactMap { $0.value.mark?.line ?? $0.key.mark?.line }.max() ?? firstKey.line
                result.add(try insertion(after: lastLine, indent: firstKey.column - 1, text: "\(key): \(value)"))
            case (let pair?, nil):
                guard let line = pair.key.scalar?.mark?.line else { continue }
                result.add(try deletion(ofLine: line, key: key))
            case (nil, nil):
                continue
            }
        }
    }

    private func addEntry(to document: Node, into result: inout FileEdits) throws {
        let fields = [("name", pin.image.name)] + wanted.compactMap { pair in pair.value.map { (pair.key, $0) } }
        if case .sequence(let images)? = document[key: "images"], let last = images.last, case .mapping(let mapping) = last,
           let firstKey = mapping.first?.key.scalar?.mark {
            let indent = firstKey.column - 1
            let lastLine = mapping.compactMap { $0.value.mark?.line }.max() ?? firstKey.line
            var lines = [String(repeating: " ", count: max(0, indent - 2)) + "- \(fields[0].0): \(fields[0].1)"]
            lines += fields.dropFirst().map { String(repeating: " ", count: indent) + "\($0.0): \($0.1)" }
            result.add(try insertion(after: lastLine, indent: 0, text: lines.joined(separator: newline)))
        } else if document[key: "images"] == nil {
            var lines = ["images:", "- \(fields[0].0): \(fields[0].1)"]
            lines += fields.dropFirst().map { "  \($0.0): \($0.1)" }
            let end = source.bytes.count
            let needsNewline = end > 0 && source.bytes[end - 1] != UInt8(ascii: "\n")
            result.add(TextEdit(
                range: end..<end, replacement: (needsNewline ? newline : "") + lines.joined(separator: newline) + newline,
                summary: "\(source.path) images: added \(pin.image.name)"))
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
            .map { String(repeating: " ", count: indent) + $0 }.joined(separator: "\n")
        return TextEdit(range: position..<position, replacement: newline + padded, summary: "\(source.path):\(line + 1) added \(text.trimmingCharacters(in: .whitespaces))")
    }

    private func deletion(ofLine line: Int, key: String) throws -> TextEdit {
        let start = source.lineStarts[line - 1]
        let end = line < source.lineStarts.count ? source.lineStarts[line] : source.bytes.count
        let content = String(decoding: source.bytes[start..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard content.hasPrefix(key + ":") else {
            throw GitOpsError.uneditableValue(file: source.path, line: line, detail: "\(key) shares its line with other fields")
        }
        return TextEdit(range: start..<end, replacement: "", summary: "\(source.path):\(line) removed \(key)")
    }
}
