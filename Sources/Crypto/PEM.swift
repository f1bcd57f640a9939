import Foundation

/// PEM armour (RFC 7468): `-----BEGIN LABEL-----`, base64 in lines of 64, `-----END LABEL-----`.
public enum PEM {
    /// One block of a PEM file.
    public struct Block: Equatable, Sendable {
        public var label: String
        public var bytes: [UInt8]

        public init(label: String, bytes: [UInt8]) {
            self.label = label
            self.bytes = bytes
        }
    }

    /// The first block of `text`. Text around blocks is ignored, as OpenSSL ignores it.
    public static func firstBlock(in text: String) throws -> Block {
        guard let begin = text.range(of: "-----BEGIN ") else {
            throw CryptoError.malformedKey("no PEM block (-----BEGIN …-----) in the file")
        }
        guard let labelEnd = text.range(of: "-----", range: begin.upperBound..<text.endIndex) else {
            throw CryptoError.malformedKey("a PEM BEGIN line without its closing dashes")
        }
        let label = String(text[begin.upperBound..<labelEnd.lowerBound])
        guard let end = text.range(of: "-----END \(label)-----", range: labelEnd.upperBound..<text.endIndex) else {
            throw CryptoError.malformedKey("the PEM block '\(label)' has no END line")
        }
        let body = text[labelEnd.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let bytes = Data(base64Encoded: String(body)) else {
            throw CryptoError.malformedKey("the PEM block '\(label)' is not valid base64")
        }
        return Block(label: label, bytes: [UInt8](bytes))
    }

    /// The block as text, ending with a newline.
    public static func encode(_ block: Block) -> String {
        let base64 = Data(block.bytes).base64EncodedString()
        var lines: [Substring] = []
        var index = base64.startIndex
        while index < base64.endIndex {
            let next = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(base64[index..<next])
            index = next
        }
        return "-----BEGIN \(block.label)-----\n" + lines.joined(separator: "\n") + "\n-----END \(block.label)-----\n"
    }
}
