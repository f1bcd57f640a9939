/// One package's header as the rpm database stores it (rpm's `headerExport` form, without the
/// lead magic): a big-endian index count and data length, that many 16-byte index entries
/// (tag, type, offset, count), then the data store. Only the tags a package's SBOM entry
/// needs are read, every offset and length checked against the blob: the blob is hostile input.
struct RpmHeader {
    /// rpm's own bounds (`hdrblobVerifyInfo`), tightened: one header is at most 64 MiB.
    static let maxIndexCount = 0xffff
    static let maxDataLength = 64 * 1024 * 1024

    enum Tag: Int32 {
        case name = 1000, version = 1001, release = 1002, epoch = 1003, vendor = 1011, license = 1014
        case packager = 1015, url = 1020, arch = 1022, sourceRPM = 1044, provideName = 1047, requireName = 1049
    }

    private enum DataType: UInt32 {
        case int32 = 4, string = 6, stringArray = 8, i18nString = 9
    }

    private struct Entry {
        var type: UInt32
        var offset: Int
        var count: Int
    }

    private let data: ArraySlice<UInt8>
    private var entries: [Int32: Entry] = [:]

    /// - Throws: ``MalformedMetadata`` when the counts or lengths do not fit the blob.
    init(blob: [UInt8]) throws {
        guard blob.count >= 8 else { throw MalformedMetadata("an rpm header of \(blob.count) bytes is cut short") }
        let indexCount = Int(Self.uint32(blob, at: 0))
        let dataLength = Int(Self.uint32(blob, at: 4))
        guard indexCount >= 1, indexCount <= Self.maxIndexCount else {
            throw MalformedMetadata("an rpm header claims \(indexCount) index entries (1 to \(Self.maxIndexCount))")
        }
        guard dataLength <= Self.maxDataLength else {
            throw MalformedMetadata("an rpm header claims \(dataLength) bytes of data (at most \(Self.maxDataLength))")
        }
        let dataStart = 8 + 16 * indexCount
        guard blob.count == dataStart + dataLength else {
            throw MalformedMetadata("an rpm header of \(blob.count) bytes does not hold the \(indexCount) entries and \(dataLength) data bytes it claims")
        }
        data = blob[dataStart...]
        let wanted = Set([Tag.name, .version, .release, .epoch, .vendor, .license, .packager, .url, .arch, .sourceRPM,
                          .provideName, .requireName].map(\.rawValue))
        for index in 0..<indexCount {
            let at = 8 + 16 * index
            let tag = Int32(bitPattern: Self.uint32(blob, at: at))
            guard wanted.contains(tag), entries[tag] == nil else { continue }
            let offset = Int(Int32(bitPattern: Self.uint32(blob, at: at + 8)))
            let count = Int(Self.uint32(blob, at: at + 12))
            guard offset >= 0, offset < dataLength, count >= 1, count <= dataLength else {
                throw MalformedMetadata("rpm header tag \(tag) points outside its \(dataLength) data bytes")
            }
            entries[tag] = Entry(type: Self.uint32(blob, at: at + 4), offset: offset, count: count)
        }
    }

    /// The first string of a STRING, I18NSTRING or STRING_ARRAY tag.
    func string(_ tag: Tag) -> String? { strings(tag, limit: 1).first }

    /// The strings of a tag, at most `limit`.
    func strings(_ tag: Tag, limit: Int) -> [String] {
        guard let entry = entries[tag.rawValue], let type = DataType(rawValue: entry.type), type != .int32 else { return [] }
        var result: [String] = []
        var start = data.startIndex + entry.offset
        let wanted = type == .string ? 1 : min(entry.count, limit)
        while result.count < wanted, start < data.endIndex {
            guard let end = data[start...].firstIndex(of: 0) else { break }  // unterminated: not a string
            result.append(String(decoding: data[start..<end], as: UTF8.self))
            start = end + 1
        }
        return result
    }

    /// The first value of an INT32 tag.
    func int32(_ tag: Tag) -> Int32? {
        guard let entry = entries[tag.rawValue], entry.type == DataType.int32.rawValue else { return nil }
        let at = data.startIndex + entry.offset
        guard at + 4 <= data.endIndex else { return nil }
        return Int32(bitPattern: Self.uint32(data, at: at))
    }

    private static func uint32<C: RandomAccessCollection>(_ bytes: C, at offset: C.Index) -> UInt32 where C.Element == UInt8, C.Index == Int {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
