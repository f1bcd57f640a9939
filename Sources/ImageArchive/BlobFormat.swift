/// Names what a blob that cannot be a layer holds, from its first bytes, so an error can say
/// "it is xz-compressed" rather than "it is missing".
enum BlobFormat {
    /// A phrase for the data, to follow "it is": "xz-compressed", "JSON, not a layer", …
    static func describe(head: some Collection<UInt8>) -> String {
        let bytes = Array(head.prefix(512))
        func starts(_ magic: [UInt8]) -> Bool { bytes.starts(with: magic) }
        if starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return "xz-compressed" }
        if starts([0x42, 0x5a, 0x68]) { return "bzip2-compressed" }
        if starts([0x1f, 0x9d]) || starts([0x1f, 0xa0]) { return "compress (.Z) data" }
        if starts([0x04, 0x22, 0x4d, 0x18]) { return "lz4-compressed" }
        if bytes.count > 262, Array(bytes[257..<262]) == Array("ustar".utf8) {
            return "a tar archive whose first header is damaged (its checksum does not match)"
        }
        if bytes.isEmpty { return "empty" }
        let first = bytes.first { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return "JSON, not a layer" }
        return "neither a tar archive nor gzip- or zstd-compressed tar"
    }
}
