import Foundation

/// Reads the values of a Berkeley DB hash database file (the format of rpm's `Packages` before
/// rpm 4.16: RHEL 8 and older, Amazon Linux 2, CentOS 7), page by page, from a file that
/// came out of an image: the metadata page says the page size and the last page; each hash
/// page holds key/data pairs inline or as the first page of an overflow chain. Every page
/// number, offset and length is checked against the file; an overflow chain is bounded in
/// length and pages, so a loop or a lie ends in an error, not a hang.
struct BerkeleyDBHashReader {
    static let maxValueLength = 64 * 1024 * 1024
    static let maxPages = 1 << 20

    private let handle: FileHandle
    private let pageSize: Int
    private let lastPage: Int
    private let bigEndian: Bool

    /// - Throws: ``MalformedMetadata`` when `file` is not a Berkeley DB hash database.
    init(file: URL) throws {
        handle = try FileHandle(forReadingFrom: file)
        let meta = (try? handle.read(upToCount: 72)).map { [UInt8]($0 ?? Data()) } ?? []
        guard meta.count == 72 else { try? handle.close(); throw MalformedMetadata("it is too short for a Berkeley DB database") }
        let magic = 0x061561 as UInt32
        if Self.uint32(meta, at: 12, bigEndian: false) == magic {
            bigEndian = false
        } else if Self.uint32(meta, at: 12, bigEndian: true) == magic {
            bigEndian = true
        } else {
            try? handle.close()
            throw MalformedMetadata("it is not a Berkeley DB hash database")
        }
        pageSize = Int(Self.uint32(meta, at: 20, bigEndian: bigEndian))
        lastPage = Int(Self.uint32(meta, at: 32, bigEndian: bigEndian))
        guard [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536].contains(pageSize), lastPage < Self.maxPages, meta[24] == 0 else {
            try? handle.close()
            throw MalformedMetadata("its Berkeley DB metadata (page size \(pageSize), \(lastPage) pages, encryption \(meta[24])) is not readable")
        }
    }

    func close() { try? handle.close() }

    /// Calls `body` with each key (when stored inline, else empty) and its data value, in page
    /// order, until it returns false.
    func forEachPair(_ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Bool) throws {
        for number in stride(from: 1, through: lastPage, by: 1) {
            guard let page = try page(number) else { break }
            // P_HASH_UNSORTED (2) and P_HASH (13) hold key/data pairs; others are overflow,
            // free or bucket pages.
            guard page[25] == 2 || page[25] == 13 else { continue }
            let entries = Int(uint16(page, at: 20))
            guard 26 + 2 * entries <= pageSize else { throw MalformedMetadata("page \(number) claims \(entries) entries") }
            // Items are stored from the end of the page down: item i ends where item i-1 begins.
            var end = pageSize
            var key: [UInt8] = []
            for index in 0..<entries {
                let start = Int(uint16(page, at: 26 + 2 * index))
                defer { end = start }
                guard start >= 26 + 2 * entries, start < end else { throw MalformedMetadata("page \(number) has an item outside it") }
                guard index % 2 == 1 else {  // keys at even indexes, data at odd
                    key = page[start] == 1 ? Array(page[(start + 1)..<end]) : []
                    continue
                }
                switch page[start] {
                case 1:  // H_KEYDATA: the value inline
                    guard try body(key, Array(page[(start + 1)..<end])) else { return }
                case 3:  // H_OFFPAGE: the value on an overflow chain
                    guard end - start >= 12 else { throw MalformedMetadata("page \(number) has a short overflow item") }
                    let value = try overflow(from: Int(uint32(page, at: start + 4)), length: Int(uint32(page, at: start + 8)))
                    guard try body(key, value) else { return }
                default:
                    continue  // duplicates: rpm writes none
                }
            }
        }
    }

    /// A value of `length` bytes on the chain of overflow pages (P_OVERFLOW, 7) from `first`.
    private func overflow(from first: Int, length: Int) throws -> [UInt8] {
        guard length <= Self.maxValueLength else { throw MalformedMetadata("a value of \(length) bytes (at most \(Self.maxValueLength))") }
        var value: [UInt8] = []
        value.reserveCapacity(length)
        var number = first
        var pages = 0
        while value.count < length {
            pages += 1
            guard number > 0, number <= lastPage, pages <= lastPage, let page = try page(number), page[25] == 7 else {
                throw MalformedMetadata("an overflow chain breaks at page \(number)")
            }
            let used = Int(uint16(page, at: 22))
            guard used <= pageSize - 26, used <= length - value.count else { throw MalformedMetadata("overflow page \(number) claims \(used) bytes") }
            value += page[26..<(26 + used)]
            number = Int(uint32(page, at: 16))
        }
        return value
    }

    private func page(_ number: Int) throws -> [UInt8]? {
        try handle.seek(toOffset: UInt64(number) * UInt64(pageSize))
        guard let data = try handle.read(upToCount: pageSize), data.count == pageSize else { return nil }
        return [UInt8](data)
    }

    private func uint16(_ bytes: [UInt8], at offset: Int) -> UInt16 {
        bigEndian ? UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]) : UInt16(bytes[offset + 1]) << 8 | UInt16(bytes[offset])
    }

    private func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 { Self.uint32(bytes, at: offset, bigEndian: bigEndian) }

    private static func uint32(_ bytes: [UInt8], at offset: Int, bigEndian: Bool) -> UInt32 {
        let field = bytes[offset..<offset + 4]
        return (bigEndian ? Array(field) : field.reversed()).reduce(0) { $0 << 8 | UInt32($1) }
    }
}
