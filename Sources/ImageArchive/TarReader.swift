import Compression
import StreamIO

/// Streams the entries of a tar archive: ustar, PAX extended headers (long names, large
/// sizes, mtimes), GNU long names and links, base-256 numbers.
///
/// Data is never buffered: ``read(into:)`` passes the current entry's bytes straight from the
/// source, and ``next()`` skips what the caller did not read. Headers are checked (checksum,
/// numeric fields, sizes) and every size is bounded by ``ArchiveLimits``.
public final class TarReader: ByteSource {
    private let source: any ByteSource
    private let limits: ArchiveLimits
    private let context: String
    private var header = [UInt8](repeating: 0, count: 512)
    /// Where skipped entry data is read to, allocated once per archive.
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    private var remainingData: Int64 = 0
    private var remainingPadding: Int64 = 0
    private var ended = false
    private var current: TarEntry?

    /// Offset in the archive of the next byte to read.
    public private(set) var offset: Int64 = 0

    /// - Parameters:
    ///   - source: the archive bytes.
    ///   - context: names the archive in error messages (a file path or a layer).
    public init(source: any ByteSource, limits: ArchiveLimits = ArchiveLimits(), context: String) {
        self.source = source
        self.limits = limits
        self.context = context
    }

    deinit { scratch.deallocate() }

    /// Advances to the next entry, skipping any unread data of the current one.
    /// Returns nil at the end of the archive.
    public func next() throws -> TarEntry? {
        try skipRest()
        guard !ended else { return nil }
        var pax: [String: PaxValue] = [:]
        var longName: [UInt8]?
        var longLink: [UInt8]?
        while true {
            let headerOffset = offset
            // The end, as Go's archive/tar sees it: the source ends at a header (an extended
            // header with no entry after it included), or a zero block comes that is followed
            // by another zero block or by the end.
            guard try readHeaderBlock() else {
                ended = true
                return nil
            }
            if header.allSatisfy({ $0 == 0 }) {
                ended = true
                guard try readHeaderBlock(), !header.allSatisfy({ $0 == 0 }) else { return nil }
                throw ArchiveError.corruptHeader(offset: headerOffset + 512, reason: "a header follows an end-of-archive block in \(context)")
            }
            try verifyChecksum(at: headerOffset)
            let typeflag = header[156]
            let size = try number(at: 124, length: 12, field: "size", headerOffset: headerOffset)
            guard size >= 0 else {
                throw ArchiveError.corruptHeader(offset: headerOffset, reason: "negative size in \(context)")
            }
            guard size <= limits.maxBlobSize else {
                throw ArchiveError.limitExceeded("\(context): an entry claims \(size) bytes, more than the \(limits.maxBlobSize)-byte limit")
            }
            switch typeflag {
            case UInt8(ascii: "x"), UInt8(ascii: "g"):
                guard size <= limits.maxPaxHeaderSize else {
                    throw ArchiveError.limitExceeded("\(context): a PAX header of \(size) bytes (limit \(limits.maxPaxHeaderSize))")
                }
                let records = try parsePax(try readSmallData(Int(size)), headerOffset: headerOffset)
                // Global headers are checked but not applied, as Go's archive/tar (and so
                // containerd and Docker, which unpack layers with it) does.
                if typeflag == UInt8(ascii: "x") { pax.merge(records) { $1 } }
                continue
            case UInt8(ascii: "L"), UInt8(ascii: "K"):
                guard size <= limits.maxNameLength else {
                    throw ArchiveError.limitExceeded("\(context): a GNU long name of \(size) bytes (limit \(limits.maxNameLength))")
                }
                var bytes = try readSmallData(Int(size))
                if let nul = bytes.firstIndex(of: 0) { bytes.removeSubrange(nul...) }
                if typeflag == UInt8(ascii: "L") { longName = bytes } else { longLink = bytes }
                continue
            case UInt8(ascii: "S"):
                throw ArchiveError.unsupported("\(context): GNU sparse files (entry at byte \(headerOffset)); re-create the tarball without --sparse")
            default:
                break
            }
            let entry = try makeEntry(
                typeflag: typeflag, size: size, pax: pax,
                longName: longName, longLink: longLink, headerOffset: headerOffset)
            current = entry
            let dataSize = entry.size
            remainingData = dataSize
            remainingPadding = (512 - dataSize % 512) % 512
            return entry
        }
    }

    /// Reads data of the current entry; returns 0 at its end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remainingData > 0, buffer.count > 0 else { return 0 }
        let want = Int(min(Int64(buffer.count), remainingData))
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<want]))
        guard n > 0 else {
            throw ArchiveError.truncated("\(context) ends inside entry '\(current?.name ?? "?")' (\(remainingData) of its \(current?.size ?? 0) bytes missing)")
        }
        remainingData -= Int64(n)
        offset += Int64(n)
        return n
    }

    // MARK: - Internals

    private func isDataCarrying(_ typeflag: UInt8) -> Bool {
        // Contiguous files ('7') carry data like regular files; other types carry none even
        // when a size is set, except unknown vendor types, which we skip by their size.
        switch typeflag {
        case UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4"),
             UInt8(ascii: "5"), UInt8(ascii: "6"):
            return false
        default:
            return true
        }
    }

    private func skipRest() throws {
        if remainingData > 0 {
            while remainingData > 0 { _ = try read(into: scratch) }
        }
        if remainingPadding > 0 {
            var padding = [UInt8](repeating: 0, count: Int(remainingPadding))
            let n = try padding.withUnsafeMutableBytes { try source.readFully(into: $0) }
            offset += Int64(n)
            // A missing final padding is tolerated only at the very end (some writers omit it).
            if n < padding.count { ended = true }
            remainingPadding = 0
        }
        current = nil
    }

    /// Reads one 512-byte block. Returns false at a clean end of the source.
    private func readHeaderBlock() throws -> Bool {
        let n = try header.withUnsafeMutableBytes { try source.readFully(into: $0) }
        offset += Int64(n)
        if n == 0 { return false }
        guard n == 512 else {
            throw ArchiveError.truncated("\(context) ends inside a tar header at byte \(offset - Int64(n))")
        }
        return true
    }

    private func readSmallData(_ size: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        let n = try bytes.withUnsafeMutableBytes { try source.readFully(into: $0) }
        offset += Int64(n)
        guard n == size else { throw ArchiveError.truncated("\(context) ends inside an extended header") }
        let padding = (512 - size % 512) % 512
        if padding > 0 {
            var pad = [UInt8](repeating: 0, count: padding)
            let m = try pad.withUnsafeMutableBytes { try source.readFully(into: $0) }
            offset += Int64(m)
            guard m == padding else { throw ArchiveError.truncated("\(context) ends inside an extended header") }
        }
        return bytes
    }

    private func verifyChecksum(at headerOffset: Int64) throws {
        let stored = try number(at: 148, length: 8, field: "checksum", headerOffset: headerOffset)
        // The checksum field itself counts as eight spaces. Old writers summed signed bytes.
        func sum(_ value: (UInt8) -> Int64) -> Int64 {
            header.withUnsafeBufferPointer { bytes in
                var total: Int64 = 8 * 0x20
                for index in 0..<148 { total &+= value(bytes[index]) }
                for index in 156..<512 { total &+= value(bytes[index]) }
                return total
            }
        }
        guard stored == sum({ Int64($0) }) || stored == sum({ Int64(Int8(bitPattern: $0)) }) else {
            throw ArchiveError.corruptHeader(offset: headerOffset, reason: "checksum mismatch in \(context) (not a tar archive, or damaged)")
        }
    }

    /// Parses an octal (or GNU base-256) numeric field as Go's archive/tar does: octal
    /// digits between leading and trailing spaces or NULs (up to an inner NUL), or big-endian two's
    /// complement when the first byte's top bit is set (negative when the next bit is).
    private func number(at start: Int, length: Int, field: String, headerOffset: Int64) throws -> Int64 {
        let bytes = header[start..<start + length]
        if let first = bytes.first, first & 0x80 != 0 {
            let invert: UInt8 = first & 0x40 != 0 ? 0xff : 0
            var value: UInt64 = 0
            for (index, raw) in bytes.enumerated() {
                var byte = raw ^ invert
                if index == 0 { byte &= 0x7f }
                guard value >> 56 == 0 else {
                    throw ArchiveError.corruptHeader(offset: headerOffset, reason: "\(field) overflows in \(context)")
                }
                value = value << 8 | UInt64(byte)
            }
            guard value >> 63 == 0 else {
                throw ArchiveError.corruptHeader(offset: headerOffset, reason: "\(field) overflows in \(context)")
            }
            return invert == 0xff ? ~Int64(value) : Int64(value)
        }
        let isPadding = { (byte: UInt8) in byte == 0 || byte == UInt8(ascii: " ") }
        guard let first = bytes.firstIndex(where: { !isPadding($0) }) else { return 0 }
        let last = bytes.lastIndex(where: { !isPadding($0) })!
        let digits = bytes[first...last].prefix { $0 != 0 }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7") else {
                throw ArchiveError.corruptHeader(offset: headerOffset, reason: "\(field) field is not a number in \(context)")
            }
            guard value <= (Int64.max >> 3) else {
                throw ArchiveError.corruptHeader(offset: headerOffset, reason: "\(field) overflows in \(context)")
            }
            value = value << 3 | Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private func string(at start: Int, length: Int) -> [UInt8] {
        let field = header[start..<start + length]
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return Array(field[field.startIndex..<end])
    }

    private func makeEntry(
        typeflag: UInt8, size: Int64, pax: [String: PaxValue],
        longName: [UInt8]?, longLink: [UInt8]?, headerOffset: Int64
    ) throws -> TarEntry {
        var nameBytes = string(at: 0, length: 100)
        if let prefix = namePrefix(), !prefix.isEmpty { nameBytes = prefix + [UInt8(ascii: "/")] + nameBytes }
        if let longName { nameBytes = longName }
        var linkBytes = longLink ?? string(at: 157, length: 100)
        let fields = pax.isEmpty ? PaxFields() : try paxFields(pax, headerOffset: headerOffset)
        if let path = fields.path { nameBytes = path }
        if let link = fields.linkpath { linkBytes = link }
        guard nameBytes.count <= limits.maxNameLength, linkBytes.count <= limits.maxNameLength else {
            throw ArchiveError.limitExceeded("\(context): an entry name longer than \(limits.maxNameLength) bytes")
        }
        let entrySize = fields.size ?? size
        let mtime = try fields.mtime ?? number(at: 136, length: 12, field: "mtime", headerOffset: headerOffset)
        let uid = try fields.uid.map { Int(truncatingIfNeeded: $0) } ?? Int(number(at: 108, length: 8, field: "uid", headerOffset: headerOffset))
        let gid = try fields.gid.map { Int(truncatingIfNeeded: $0) } ?? Int(number(at: 116, length: 8, field: "gid", headerOffset: headerOffset))
        let mode = UInt32(truncatingIfNeeded: try number(at: 100, length: 8, field: "mode", headerOffset: headerOffset))

        let kind: TarEntry.Kind
        switch typeflag {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): kind = .regular
        case UInt8(ascii: "1"): kind = .hardlink
        case UInt8(ascii: "2"): kind = .symlink
        case UInt8(ascii: "3"): kind = .characterDevice
        case UInt8(ascii: "4"): kind = .blockDevice
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "6"): kind = .fifo
        default: kind = .other(typeflag)
        }
        // Old tars mark directories only with a trailing slash.
        let resolvedKind = (kind == .regular && nameBytes.last == UInt8(ascii: "/")) ? .directory : kind
        let decoded = ArchivePath.decodeUTF8(nameBytes)
        return TarEntry(
            name: decoded ?? ArchivePath.escaped(nameBytes),
            nameIsUTF8: decoded != nil,
            kind: resolvedKind,
            size: isDataCarrying(typeflag) && resolvedKind != .directory ? entrySize : 0,
            mode: mode, uid: uid, gid: gid, modificationTime: mtime,
            linkName: ArchivePath.decodeUTF8(linkBytes) ?? ArchivePath.escaped(linkBytes),
            paxRecords: fields.rest)
    }

    /// The header fields an entry's PAX records override, checked as Go's archive/tar
    /// checks them, and the records left (xattrs and the like).
    private struct PaxFields {
        var path: [UInt8]?
        var linkpath: [UInt8]?
        var size: Int64?
        var mtime: Int64?
        var uid: Int64?
        var gid: Int64?
        var rest: [String: String] = [:]
    }

    private func paxFields(_ pax: [String: PaxValue], headerOffset: Int64) throws -> PaxFields {
        var fields = PaxFields()
        func invalid(_ key: String, _ value: PaxValue) -> ArchiveError {
            .corruptHeader(offset: headerOffset, reason: "invalid PAX \(key) '\(value.text.prefix(30))' in \(context)")
        }
        // An empty value keeps the header's own field (Go, GNU tar).
        for (key, value) in pax where !value.bytes.isEmpty {
            switch key {
            case "path": fields.path = value.bytes
            case "linkpath": fields.linkpath = value.bytes
            case "size", "uid", "gid":
                guard let number = Int64(value.text) else { throw invalid(key, value) }
                if key == "size" {
                    guard number >= 0, number <= limits.maxBlobSize else { throw invalid(key, value) }
                    fields.size = number
                } else if key == "uid" {
                    fields.uid = number
                } else {
                    fields.gid = number
                }
            case "atime", "ctime", "mtime":
                guard let seconds = Self.paxTimeSeconds(value.text) else { throw invalid(key, value) }
                if key == "mtime" { fields.mtime = seconds }
            default:
                if key.hasPrefix("GNU.sparse") {
                    throw ArchiveError.unsupported("\(context): PAX sparse files; re-create the tarball without --sparse")
                }
                fields.rest[key] = value.text
            }
        }
        return fields
    }

    /// The name prefix field, where the header's format has one, as Go's archive/tar reads
    /// it: ustar's 155 bytes, star's 131 (its header ends in `tar\0`), and for GNU headers,
    /// which have none, the prefix that Go before 1.8 wrongly wrote where GNU keeps atime and
    /// ctime (when those do not read as numbers and the prefix is ASCII).
    private func namePrefix() -> [UInt8]? {
        let magic = header[257..<263]
        if magic.elementsEqual("ustar\0".utf8) {
            return string(at: 345, length: header[508..<512].elementsEqual("tar\0".utf8) ? 131 : 155)
        }
        guard magic.elementsEqual("ustar ".utf8), header[263..<265].elementsEqual(" \0".utf8) else { return nil }
        let timesAreNumbers = [345, 357].allSatisfy { start in
            header[start] == 0 || (try? number(at: start, length: 12, field: "time", headerOffset: 0)) != nil
        }
        let prefix = string(at: 345, length: 155)
        return !timesAreNumbers && prefix.allSatisfy({ $0 < 0x80 }) ? prefix : nil
    }

    /// Parses PAX records: `"%d %s=%s\n"`, the length counting the whole record.
    private func parsePax(_ data: [UInt8], headerOffset: Int64) throws -> [String: PaxValue] {
        var records: [String: PaxValue] = [:]
        var index = 0
        while index < data.count {
            if data[index] == 0 { break }  // NUL padding
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[index..<space], as: UTF8.self)),
                  length > space - index, index + length <= data.count,
                  data[index + length - 1] == UInt8(ascii: "\n"),
                  let equals = data[(space + 1)..<(index + length)].firstIndex(of: UInt8(ascii: "="))
            else {
                throw ArchiveError.corruptHeader(offset: headerOffset, reason: "malformed PAX record in \(context)")
            }
            let keyBytes = data[(space + 1)..<equals]
            let value = Array(data[(equals + 1)..<(index + length - 1)])
            let key = String(decoding: keyBytes, as: UTF8.self)
            // Go's validPAXRecord: a NUL would cut a name short for every C extractor.
            let nulInValue = Self.nulFreeValueKeys.contains(key) && value.contains(0)
            guard !keyBytes.isEmpty, !keyBytes.contains(0), !nulInValue else {
                let shown = keyBytes.map { $0 < 0x20 || $0 >= 0x7f ? "%" + String($0, radix: 16) : String(UnicodeScalar($0)) }
                throw ArchiveError.unsafePath(
                    path: "PAX record " + shown.joined(),
                    reason: "a NUL byte in a name or key, or an empty key, in \(context) (Go's archive/tar refuses it too)")
            }
            records[key] = PaxValue(bytes: value)
            index += length
        }
        return records
    }
}

extension TarReader {
    /// PAX keys whose values are names, which must not hold NUL.
    fileprivate static let nulFreeValueKeys: Set<String> = ["path", "linkpath", "uname", "gname"]

    /// Whole seconds of a PAX time (`[-]seconds[.fraction]`), nil when it is not one.
    fileprivate static func paxTimeSeconds(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let seconds = Int64(parts[0]) else { return nil }
        if parts.count == 2, !parts[1].allSatisfy({ $0 >= "0" && $0 <= "9" }) { return nil }
        return seconds
    }
}

/// A PAX record value: raw bytes (names may not be UTF-8), with a text view.
private struct PaxValue {
    var bytes: [UInt8]
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
