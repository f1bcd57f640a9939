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
    /// Lines end at LF, CR LF or CR, as dpkg and Python's email parser read them; the text is
    /// read as UTF-8 bytes (a dpkg status file of thousands of packages is walked once, with no
    /// per-character work).
    /// - Throws: ``MalformedMetadata`` for a line that is neither a field nor a continuation.
    static func parse(_ text: String, headersOnly: Bool = false, maxParagraphs: Int = 100_000) throws -> [Paragraph] {
        var text = text
        return try text.withUTF8 { try parse(bytes: $0, headersOnly: headersOnly, maxParagraphs: maxParagraphs) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>, headersOnly: Bool, maxParagraphs: Int) throws -> [Paragraph] {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), colon = UInt8(ascii: ":")
        let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var paragraphs: [Paragraph] = []
        var current = Paragraph()
        var lineNumber = 0
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != lf, bytes[end] != cr { end += 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            // The next line: after CR LF, LF or CR; past the end once the last line is read.
            start = end < bytes.count && bytes[end] == cr && end + 1 < bytes.count && bytes[end + 1] == lf ? end + 2 : end + 1
            if end == bytes.count && line.isEmpty && lineNumber > 0 { break }
            lineNumber += 1
            if line.allSatisfy({ $0 == space || $0 == tab }) {
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
            if line[0] == space || line[0] == tab {
                guard !current.fields.isEmpty else {
                    throw MalformedMetadata("line \(lineNumber) continues a field that was never started")
                }
                current.fields[current.fields.count - 1].value += "\n" + Self.trimmed(line)
                continue
            }
            guard let separator = line.firstIndex(of: colon), separator != 0, !line[..<separator].contains(space) else {
                throw MalformedMetadata("line \(lineNumber) is not a 'Field: value' line")
            }
            current.fields.append((
                String(decoding: UnsafeBufferPointer(rebasing: line[..<separator]), as: UTF8.self),
                Self.trimmed(UnsafeBufferPointer(rebasing: line[(separator + 1)...]))))
        }
        if !current.fields.isEmpty { paragraphs.append(current) }
        return paragraphs
    }

    /// `bytes` as text without leading and trailing spaces and tabs.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[first...last]), as: UTF8.self)
    }
}

extension String {
    /// Equal but for the case of ASCII letters (field names are ASCII), without allocating.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && zip(utf8, other.utf8).allSatisfy { Self.lowercasedASCII($0) == Self.lowercasedASCII($1) }
    }

    private static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
