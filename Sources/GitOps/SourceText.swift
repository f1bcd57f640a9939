import Yams

/// A YAML file's text with what the editors need: its documents (parsed by libyaml through
/// Yams, with source positions), line offsets, and the exact byte span of a scalar value.
struct SourceText {
    let path: String
    let bytes: [UInt8]
    let text: String
    let documents: [Node]
    /// Byte offset of the start of each line (0-based line index).
    let lineStarts: [Int]

    /// The largest file read: deployment manifests are kilobytes; this bounds time and memory.
    static let maximumSize = 8 << 20

    init(path: String, bytes: [UInt8]) throws {
        self.path = path
        self.bytes = bytes
        guard bytes.count <= Self.maximumSize else { throw Self.tooLarge(path: path, size: bytes.count) }
        try Self.checkNesting(bytes, path: path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw GitOpsError.malformedYAML(file: path, line: nil, detail: "the file is not UTF-8")
        }
        self.text = text
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(index + 1) }
        lineStarts = starts
        do {
            // The sequence stops at a parse error and keeps it: check it after reading.
            var sequence = try Yams.compose_all(yaml: text)
            var documents: [Node] = []
            while let document = sequence.next() { documents.append(document) }
            if let error = sequence.error { throw error }
            try Self.checkExpansion(documents, limit: 2 * bytes.count + 100_000, path: path)
            self.documents = documents
        } catch let error as YamlError {
            throw GitOpsError.malformedYAML(file: path, line: Self.line(of: error), detail: Self.describe(error))
        }
    }

    static func tooLarge(path: String, size: Int) -> GitOpsError {
        .unsafeYAML(file: path, line: nil,
                    detail: "it has \(size) bytes, more than the \(maximumSize >> 20) MiB a manifest may have; name smaller files with --gitops-file or --gitops-dir")
    }

    /// Refuses aliases that expand the documents beyond `limit` values (an alias bomb): every
    /// editor walks the expanded tree, so this bounds their time.
    private static func checkExpansion(_ documents: [Node], limit: Int, path: String) throws {
        var budget = limit
        var pending = documents
        while let node = pending.popLast() {
            budget -= 1
            guard budget >= 0 else {
                throw GitOpsError.unsafeYAML(file: path, line: nil, detail: "its aliases (*name) expand to more than \(limit) values")
            }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping { pending.append(key); pending.append(value) }
            case .sequence(let sequence):
                pending.append(contentsOf: sequence)
            case .scalar, .alias:
                break
            }
        }
    }

    /// The deepest nesting allowed: the parser and the editors recurse once per level.
    static let maximumDepth = 256

    /// Refuses text nested deeper than `maximumDepth` before parsing it: flow brackets, and
    /// block levels as indentation and `- ` markers on a line (a bound from above, ignoring
    /// quotes and comments, so it may refuse a string full of brackets).
    private static func checkNesting(_ bytes: [UInt8], path: String) throws {
        var flow = 0, line = 1, index = 0
        var lineStart = true, indentation = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                lineStart = true
                indentation = 0
            case UInt8(ascii: " ") where lineStart, UInt8(ascii: "-") where lineStart:
                indentation += 1
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flow += 1
                lineStart = false
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                flow = max(0, flow - 1)
                lineStart = false
            default:
                lineStart = false
            }
            if flow > maximumDepth || indentation > 8 * maximumDepth {
                throw GitOpsError.unsafeYAML(file: path, line: line, detail: "it nests more than \(maximumDepth) levels deep")
            }
            index += 1
        }
    }

    /// The bytes of line `line` (1-based), without its newline.
    func line(_ line: Int) -> ArraySlice<UInt8> {
        guard line >= 1, line <= lineStarts.count else { return [] }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return bytes[start..<max(start, end)]
    }

    /// The last line of a value starting on `line` whose key is indented `indent` columns:
    /// the following lines indented deeper continue it (and blank lines between them).
    func lastLine(continuing line: Int, deeperThan indent: Int) -> Int {
        var last = line
        var next = line + 1
        while next <= lineStarts.count {
            let text = self.line(next)
            let spaces = text.prefix { $0 == UInt8(ascii: " ") }.count
            if text.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                next += 1  // blank: part of the value only if a deeper line follows
                continue
            }
            guard spaces > indent else { break }
            last = next
            next += 1
        }
        return last
    }

    /// The last line of a block mapping's text: the line of its last value, and the lines
    /// indented deeper that continue it.
    func lastLine(of mapping: Node.Mapping) -> Int {
        guard let last = mapping.reversed().first, let key = last.key.mark else { return mapping.mark?.line ?? 1 }
        return lastLine(continuing: last.value.mark?.line ?? key.line, deeperThan: key.column - 1)
    }

    /// The byte offset of a position (libyaml columns count Unicode scalars).
    func offset(of mark: Mark) -> Int {
        let lineBytes = line(mark.line)
        var offset = lineBytes.startIndex
        var column = 1
        while column < mark.column, offset < lineBytes.endIndex {
            offset += Self.utf8Length(lineBytes[offset])
            column += 1
        }
        return offset
    }

    /// Whether a mapping or list is written in flow style (`{…}`, `[…]`).
    func isFlow(_ node: Node) -> Bool {
        guard let mark = node.mark else { return false }
        let offset = offset(of: mark)
        return offset < bytes.count && [UInt8(ascii: "{"), UInt8(ascii: "[")].contains(bytes[offset])
    }

    /// The byte range of a one-line scalar's text as written (quotes included), checked to
    /// decode to the scalar's value.
    func span(of scalar: Node.Scalar) throws -> Range<Int> {
        guard let mark = scalar.mark else {
            throw GitOpsError.uneditableValue(file: path, line: 0, detail: "value without a position")
        }
        let lineBytes = line(mark.line)
        var offset = self.offset(of: mark)
        // Node properties before the value: an anchor (`&name`) and a tag (`!!str`) stay.
        let blank = [UInt8(ascii: " "), UInt8(ascii: "\t")]
        while offset < lineBytes.endIndex, [UInt8(ascii: "&"), UInt8(ascii: "!")].contains(lineBytes[offset]) {
            while offset < lineBytes.endIndex, !blank.contains(lineBytes[offset]) { offset += 1 }
            while offset < lineBytes.endIndex, blank.contains(lineBytes[offset]) { offset += 1 }
        }
        let end: Int
        switch scalar.style {
        case .plain:
            // In block context a plain value runs to a comment; in flow context (`{a: b, c: d}`)
            // also to `,`, `]` or `}`: take the one that reads as the value.
            let ends = [Set<UInt8>(), Set([UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")])].map { stops in
                var stop = offset
                while stop < lineBytes.endIndex, !stops.contains(lineBytes[stop]) {
                    if lineBytes[stop] == UInt8(ascii: "#"), stop > offset, blank.contains(lineBytes[stop - 1]) { break }
                    stop += 1
                }
                while stop > offset, blank.contains(lineBytes[stop - 1]) { stop -= 1 }
                return stop
            }
            end = ends.first { String(decoding: bytes[offset..<$0], as: UTF8.self) == scalar.string } ?? ends[0]
        case .singleQuoted, .doubleQuoted:
            let quote = scalar.style == .singleQuoted ? UInt8(ascii: "'") : UInt8(ascii: "\"")
            guard offset < lineBytes.endIndex, lineBytes[offset] == quote else {
                throw GitOpsError.uneditableValue(file: path, line: mark.line, detail: "a quoted value spans several lines")
            }
            var stop = offset + 1
            var closed = false
            while stop < lineBytes.endIndex {
                if quote == UInt8(ascii: "\""), lineBytes[stop] == UInt8(ascii: "\\") { stop += 2; continue }
                if lineBytes[stop] == quote {
                    if quote == UInt8(ascii: "'"), stop + 1 < lineBytes.endIndex, lineBytes[stop + 1] == quote { stop += 2; continue }
                    closed = true
                    break
                }
                stop += 1
            }
            guard closed else {
                throw GitOpsError.uneditableValue(file: path, line: mark.line, detail: "a quoted value spans several lines")
            }
            end = stop + 1
        default:
            throw GitOpsError.uneditableValue(file: path, line: mark.line, detail: "the value is a block scalar (| or >)")
        }
        let written = String(decoding: bytes[offset..<end], as: UTF8.self)
        guard Self.unquote(written, style: scalar.style) == scalar.string else {
            throw GitOpsError.uneditableValue(file: path, line: mark.line, detail: "the value continues on the next line")
        }
        return offset..<end
    }

    /// `value` written in the same style as the scalar it replaces; a plain value that would
    /// not load back as this string (`1.10`, `7284872`, `true`, `null`, ``) is double-quoted.
    static func quoted(_ value: String, like style: Node.Scalar.Style) -> String {
        switch style {
        case .singleQuoted: return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        case .doubleQuoted: return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        default: return loadsAsString(value) ? value : quoted(value, like: .doubleQuoted)
        }
    }

    /// Whether `value` written plain reads back as the same string, under YAML 1.1 (which
    /// Kubernetes and Helm use: `y`, `no`, `on`, `0x1F`, `1e3` and `1:20` are not strings).
    static func loadsAsString(_ value: String) -> Bool {
        guard !["y", "Y", "n", "N"].contains(value), value.allSatisfy({ !$0.isNewline }),
              let node = try? Yams.compose(yaml: value), case .scalar(let scalar) = node else { return false }
        return scalar.string == value && node.tag.rawValue == Tag.Name.str.rawValue
    }

    static func unquote(_ written: String, style: Node.Scalar.Style) -> String {
        switch style {
        case .singleQuoted: return String(written.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        case .doubleQuoted: return String(written.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        default: return written
        }
    }

    private static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0..<0x80: return 1
        case 0xC0..<0xE0: return 2
        case 0xE0..<0xF0: return 3
        default: return 4
        }
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
        }
    }
}

extension Node {
    /// The value of `key` in a mapping.
    subscript(key key: String) -> Node? {
        guard case .mapping(let mapping) = self else { return nil }
        for (name, value) in mapping where name.scalar?.string == key { return value }
        return nil
    }

    /// The value at a dotted path of mapping keys (`image.tag`).
    func value(at path: [String]) -> Node? {
        var node: Node? = self
        for key in path { node = node?[key: key] }
        return node
    }
}
