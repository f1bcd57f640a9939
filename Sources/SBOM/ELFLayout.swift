/// What a streaming reader of an ELF file can learn from its first block: where the loaded
/// segments end (the largest `p_offset + p_filesz` of the `PT_LOAD` program headers) and where
/// the section header table is. 32- and 64-bit, either byte order; every field checked
/// against the bytes in hand, offsets past 2^48 refused (no file is that large, and it keeps
/// the sums of offsets exact).
struct ELFLayout {
    var is64: Bool
    var bigEndian: Bool
    /// Where the stretch of not-loaded sections begins: the end of the last loaded segment.
    var tailStart: Int64
    var sectionHeaders: Int64
    var sectionHeaderSize: Int
    var sectionCount: Int
    /// The index of `.shstrtab`, the section names.
    var namesIndex: Int

    /// One section header's fields that a reader of section contents needs.
    struct Section {
        /// Offset of the name in `.shstrtab`.
        var name: Int
        var type: UInt64
        var flags: UInt64
        var offset: Int64
        var size: Int64
    }

    /// The section header table's end.
    var sectionHeadersEnd: Int64 { sectionHeaders + Int64(sectionCount * sectionHeaderSize) }

    /// Nil for what is not a readable ELF: the program headers must be in `head`.
    init?(head: ArraySlice<UInt8>) {
        let bytes = Array(head)
        guard bytes.count >= 64, bytes[4] == 1 || bytes[4] == 2, bytes[5] == 1 || bytes[5] == 2 else { return nil }
        let is64 = bytes[4] == 2, bigEndian = bytes[5] == 2
        let read = { (at: Int, width: Int) in Self.integer(bytes, at: at, width: width, bigEndian: bigEndian) }
        let programHeaders = Int(clamping: is64 ? read(0x20, 8) : read(0x1c, 4))
        let sectionHeaders = Int64(clamping: is64 ? read(0x28, 8) : read(0x20, 4))
        let programHeaderSize = Int(read(is64 ? 0x36 : 0x2a, 2)), programCount = Int(read(is64 ? 0x38 : 0x2c, 2))
        let sectionHeaderSize = Int(read(is64 ? 0x3a : 0x2e, 2)), sectionCount = Int(read(is64 ? 0x3c : 0x30, 2))
        guard sectionHeaders > 0, sectionHeaders < 1 << 48, sectionCount > 0, sectionHeaderSize == (is64 ? 64 : 40),
              programHeaderSize >= (is64 ? 56 : 32), programHeaders >= 0, programHeaders <= bytes.count,
              programCount * programHeaderSize <= bytes.count - programHeaders else { return nil }
        var loadedEnd: Int64 = 64
        for index in 0..<programCount {
            let at = programHeaders + index * programHeaderSize
            guard read(at, 4) == 1 else { continue }  // PT_LOAD
            let offset = Int64(clamping: is64 ? read(at + 8, 8) : read(at + 4, 4))
            let size = Int64(clamping: is64 ? read(at + 32, 8) : read(at + 16, 4))
            let (end, overflow) = offset.addingReportingOverflow(size)
            guard !overflow else { return nil }
            loadedEnd = max(loadedEnd, end)
        }
        guard sectionHeaders >= loadedEnd else { return nil }
        self.is64 = is64
        self.bigEndian = bigEndian
        tailStart = loadedEnd
        self.sectionHeaders = sectionHeaders
        self.sectionHeaderSize = sectionHeaderSize
        self.sectionCount = sectionCount
        namesIndex = Int(read(is64 ? 0x3e : 0x32, 2))
    }

    /// The sections of a complete section header table.
    func sections(in table: [UInt8]) -> [Section] {
        guard table.count == sectionCount * sectionHeaderSize else { return [] }
        return (0..<sectionCount).map { index in
            let read = { (at: Int, width: Int) in Self.integer(table, at: index * sectionHeaderSize + at, width: width, bigEndian: bigEndian) }
            return is64
                ? Section(name: Int(read(0, 4)), type: read(4, 4), flags: read(8, 8), offset: Int64(clamping: read(24, 8)), size: Int64(clamping: read(32, 8)))
                : Section(name: Int(read(0, 4)), type: read(4, 4), flags: read(8, 4), offset: Int64(read(16, 4)), size: Int64(read(20, 4)))
        }
    }

    private static func integer(_ bytes: [UInt8], at offset: Int, width: Int, bigEndian: Bool) -> UInt64 {
        let field = bytes[offset..<offset + width]
        return (bigEndian ? Array(field) : field.reversed()).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
