import Foundation

/// The INI dialect of `~/.aws/config` and `~/.aws/credentials`, as the AWS SDKs' shared
/// profile parser reads it (the SDKs and Tools reference guide; smithy-rs
/// `profile-parser-tests.json`):
///
/// - `[name]` starts a section; a `#` or `;` comment may follow the `]`, anything else is
///   an error (never a line whose keys would fall into the section above).
/// - `key = value`; a `#` or `;` preceded by whitespace starts a comment in the value; a
///   key with whitespace in it is ignored.
/// - An indented line continues the property above it; under a property with an empty value
///   it is a sub-property `key = value` (kept as `parent.key`).
/// - Whole-line comments start with `#` or `;`.
///
/// Lines that are none of these are errors with the line number; the line itself is never
/// quoted, since it may hold a secret.
enum ConfigFileParser {
    struct Section: Equatable {
        var header: String
        var values: [String: String]
    }

    /// What a parse error says, before the caller adds the file name.
    struct Failure: Error, Equatable {
        var line: Int
        var detail: String
    }

    static func parse(_ text: String) throws(Failure) -> [Section] {
        var sections: [Section] = []
        var property: (key: String, isParent: Bool)?
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let indented = line.first == " " || line.first == "\t"
            if trimmed.hasPrefix("[") && !indented {
                sections.append(Section(header: try header(trimmed, line: lineNumber), values: [:]))
                property = nil
                continue
            }
            guard !sections.isEmpty else {
                throw Failure(line: lineNumber, detail: "a property comes before any [section] header")
            }
            if indented {
                guard let current = property else {
                    throw Failure(line: lineNumber, detail: "an indented line continues no property")
                }
                if current.isParent {
                    let (key, value) = try keyValue(trimmed, line: lineNumber)
                    guard !current.key.contains(where: \.isWhitespace) else { continue }
                    sections[sections.count - 1].values["\(current.key).\(key)"] = value
                } else if !current.key.contains(where: \.isWhitespace) {
                    sections[sections.count - 1].values[current.key, default: ""] += "\n" + trimmed
                }
                continue
            }
            let (key, value) = try keyValue(trimmed, line: lineNumber)
            property = (key, value.isEmpty)
            // A name with whitespace in it is no property name: ignored, as by the SDKs.
            guard !key.contains(where: \.isWhitespace) else { continue }
            sections[sections.count - 1].values[key] = value
        }
        return sections
    }

    /// `[name]`, `[ name ]`, `[name] # comment`, `[name];comment`.
    private static func header(_ trimmed: String, line: Int) throws(Failure) -> String {
        guard let close = trimmed.firstIndex(of: "]") else {
            throw Failure(line: line, detail: "a [section] header has no closing ']'")
        }
        let rest = trimmed[trimmed.index(after: close)...].trimmingCharacters(in: .whitespaces)
        guard rest.isEmpty || rest.hasPrefix("#") || rest.hasPrefix(";") else {
            throw Failure(line: line, detail: "text after a [section] header's ']' (only a # or ; comment may follow)")
        }
        let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw Failure(line: line, detail: "a [section] header has no name") }
        return name
    }

    private static func keyValue(_ trimmed: String, line: Int) throws(Failure) -> (String, String) {
        guard let equals = trimmed.firstIndex(of: "=") else {
            throw Failure(line: line, detail: "expected `key = value`, a [section] header or a comment")
        }
        let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        guard !key.isEmpty else { throw Failure(line: line, detail: "a property has no name before '='") }
        var value = Substring(trimmed[trimmed.index(after: equals)...])
        if let comment = value.indices.first(where: { index in
            (value[index] == "#" || value[index] == ";") && index > value.startIndex
                && value[value.index(before: index)].isWhitespace
        }) {
            value = value[..<comment]
        }
        return (key, value.trimmingCharacters(in: .whitespaces))
    }
}
