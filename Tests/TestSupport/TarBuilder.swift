/// Writes tar archives byte by byte for tests, including the unusual and the invalid:
/// PAX and GNU long names, base-256 sizes, bad checksums, missing end markers.
public struct TarBuilder {
    public enum Kind: UInt8 {
        case regular = 0x30, hardlink = 0x31, symlink = 0x32, directory = 0x35
        case pax = 0x78, gnuLongName = 0x4c
    }

    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Appends an entry. `name` longer than 100 bytes needs `longName` handling by the caller.
    public mutating func add(
        _ name: String, kind: Kind = .regular, data: [UInt8] = [], linkName: String = "",
        mode: Int = 0o644, sizeOverride: Int64? = nil, base256Size: Bool = false, corruptChecksum: Bool = false
    ) {
        add(nameBytes: Array(name.utf8), kind: kind, data: data, linkName: linkName, mode: mode,
            sizeOverride: sizeOverride, base256Size: base256Size, corruptChecksum: corruptChecksum)
    }

    public mutating func add(
        nameBytes: [UInt8], kind: Kind = .regular, data: [UInt8] = [], linkName: String = "",
        mode: Int = 0o644, sizeOverride: Int64? = nil, base256Size: Bool = false, corruptChecksum: Bool = false
    ) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], at offset: Int, length: Int) {
            for (index, byte) in field.prefix(length).enumerated() { header[offset + index] = byte }
        }
        func octal(_ value: Int64, length: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(nameBytes, at: 0, length: 100)
        put(octal(Int64(mode), length: 8), at: 100, length: 8)
        put(octal(0, length: 8), at: 108, length: 8)
        put(octal(0, length: 8), at: 116, length: 8)
        let size = sizeOverride ?? Int64(data.count)
        if base256Size {
            var field = [UInt8](repeating: 0, count: 12)
            var value = size
            for index in stride(from: 11, through: 1, by: -1) {
                field[index] = UInt8(value & 0xff)
                value >>= 8
            }
            field[0] = 0x80
            put(field, at: 124, length: 12)
        } else {
            put(octal(size, length: 12), at: 124, length: 12)
        }
        put(octal(1_700_000_000, length: 12), at: 136, length: 12)
        header[156] = kind.rawValue
        put(Array(linkName.utf8), at: 157, length: 100)
        put(Array("ustar\u{0}00".utf8), at: 257, length: 8)
        for index in 148..<156 { header[index] = 0x20 }
        var sum = header.reduce(0) { $0 + Int64($1) }
        if corruptChecksum { sum += 1 }
        put(octal(sum, length: 7) + [0x20], at: 148, length: 8)
        bytes += header
        bytes += data
        bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    /// Appends a PAX extended header with `records` for the next entry.
    public mutating func addPax(_ records: [(String, String)]) {
        var body: [UInt8] = []
        for (key, value) in records {
            let payload = " \(key)=\(value)\n"
            var length = payload.utf8.count + 1
            while String(length).utf8.count + payload.utf8.count != length { length += 1 }
            body += Array("\(length)\(payload)".utf8)
        }
        add("PaxHeaders/x", kind: .pax, data: body)
    }

    /// Appends a GNU long-name header for the next entry.
    public mutating func addGNULongName(_ name: String) {
        add("././@LongLink", kind: .gnuLongName, data: Array(name.utf8) + [0])
    }

    /// Appends bytes as they are (hand-made headers).
    public mutating func append(rawBytes: [UInt8]) {
        bytes += rawBytes
    }

    /// Appends the end-of-archive marker (two zero blocks).
    public mutating func finish() {
        bytes += [UInt8](repeating: 0, count: 1024)
    }
}
