/// Paragraphs of `Field: value` lines with indented continuation lines, separated by blank
/// lines: Debian control files (dpkg status) and the email-style headers of Python's
/// METADATA/PKG-INFO. Field names are kept as written; the first occurrence of a field wins
/// for ``Paragraph/subscript(_:)``, every occurrence is in ``Paragraph/all(_:)``.
struct ControlParagraphs {
    struct Paragraph {
        var fields: [(name: String, value: String)] = []

        subscript(_ name: String) -> String? {
            fields.first { $0.name.caseInsensitiveEquals(name) }?.value
        }

        func all(_ name: String) -> [String] {
            fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
        }
    }

    /// Parses `text`. With `headersOnly`, stops at the first blank line (a METADATA body).
    /// - Throws: ``MalformedMetadata`` for a line that is neither a field nor a continuation.
    static func parse(_ text: String, headersOnly: Bool = false, maxParagraphs: Int = 100_000) throws -> [Paragraph] {
        var paragraphs: [Paragraph] = []
        var current = Paragraph()
        var lineNumber = 0
        // "\r\n" is one Character: split on every kind of line end.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !current.fields.isEmpty {
                    paragraphs.append(current)
                    current = Paragraph()
                    if headersOnly { return paragraphs }
                    guard paragraphs.count <= maxParagraphs else {
                        throw MalformedMetadata("more than \(maxParagraphs) paragraphs")
                    }
                }
                continue
            }
            if line.first == " " || line.first == "\t" {
                guard !current.fields.isEmpty else {
                    throw MalformedMetadata("line \(lineNumber) continues a field that was never started")
                }
                current.fields[current.fields.count - 1].value += "\n" + line.trimmingSpaces()
                continue
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(" ") else {
                throw MalformedMetadata("line \(lineNumber) is not a 'Field: value' line")
            }
            current.fields.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingSpaces()))
        }
        if !current.fields.isEmpty { paragraphs.append(current) }
        return paragraphs
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
