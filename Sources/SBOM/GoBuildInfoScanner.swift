/// Go binaries: the build information the Go linker (1.18 and later) writes after the magic
/// `\xff Go buildinf:` at a 16-byte boundary of the file: the Go version (stdlib), the main
/// module, and every `dep` with its version and `=>` replacement. Fed the file block by block
/// (``ELFBinaryCataloger``); only the block in hand and, once the magic is found, the build
/// information are kept.
struct GoBuildInfoScanner: ELFContentScanner {
    /// Build information read after the magic (version and module lines).
    static let maxBuildInfo = 4 * 1024 * 1024
    private static let magic: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)

    private var carry: [UInt8] = []
    /// The bytes from the magic on, once found.
    private(set) var info: [UInt8]?

    /// Whether the file is a Go binary (its magic was seen).
    var found: Bool { info != nil }

    mutating func scan(_ block: ArraySlice<UInt8>, at offset: Int64) throws -> Bool {
        if var info {
            info += block.prefix(Self.maxBuildInfo - info.count)
            self.info = info
            guard info.count < Self.maxBuildInfo, info.count >= 32 else { return info.count < Self.maxBuildInfo }
            // Complete, or malformed (the parse in `packages` says why): no more bytes either way.
            guard let parsed = try? Self.strings(info) else { return false }
            return !parsed.complete
        }
        // Blocks start at multiples of 16: the magic sits at a 16-byte boundary.
        let data = carry + block
        var at = 0
        while at + 16 <= data.count {
            if data[at] == 0xff, data[at..<at + 14].elementsEqual(Self.magic) {
                carry = []
                info = []
                return try scan(data[at...], at: offset)
            }
            at += 16
        }
        carry = Array(data[at...])
        return true
    }

    func packages(path: String) throws -> [SoftwarePackage] {
        guard let info else { return [] }
        let (version, modinfo, _) = try Self.strings(info)
        return Self.packages(version: version, modinfo: modinfo, path: path)
    }

    /// The version and modinfo strings after the 32-byte header (`flags & 2`: inline strings).
    static func strings(_ info: [UInt8]) throws -> (version: String, modinfo: String, complete: Bool) {
        guard info.count >= 32 else { throw MalformedMetadata("its Go build information is cut short") }
        guard info[15] & 0x2 != 0 else {
            throw MalformedMetadata("it was built by Go before 1.18 (build information by pointer), which is not read")
        }
        var offset = 32
        func varintString() throws -> String? {
            var length = 0
            var shift = 0
            while true {
                guard offset < info.count else { return nil }
                let byte = info[offset]
                offset += 1
                length |= Int(byte & 0x7f) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
                guard shift < 35 else { throw MalformedMetadata("a malformed length in its Go build information") }
            }
            guard length <= maxBuildInfo else { throw MalformedMetadata("a length of \(length) in its Go build information") }
            guard offset + length <= info.count else { return nil }
            defer { offset += length }
            return String(decoding: info[offset..<offset + length], as: UTF8.self)
        }
        guard let version = try varintString() else { return ("", "", false) }
        guard let modinfo = try varintString() else { return (version, "", false) }
        return (version, modinfo, true)
    }

    /// `path`, `mod`, `dep` and `=>` lines of the module information (sentinels stripped).
    static func packages(version: String, modinfo: String, path file: String) -> [SoftwarePackage] {
        var packages: [SoftwarePackage] = []
        if version.hasPrefix("go") {
            var stdlib = SoftwarePackage(name: "stdlib", version: String(version.dropFirst(2)), ecosystem: .golang, evidence: [file])
            stdlib.supplier = Supplier(kind: .organization, name: "golang.org")
            packages.append(stdlib)
        }
        var text = Substring(modinfo)
        if text.utf8.count >= 33 { text = text.dropFirst(16).dropLast(16) }  // the linker's sentinels
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2 else { continue }
            switch fields[0] {
            case "mod", "dep":
                guard fields.count >= 3, !fields[1].isEmpty else { continue }
                var module = SoftwarePackage(name: fields[1], version: fields[2], ecosystem: .golang, evidence: [file])
                module.supplier = supplier(ofModule: fields[1])
                if fields[0] == "mod" { module.qualifiers["type"] = "module" }
                packages.append(module)
            case "=>":
                // A replacement with a version (another module) stands for the one before it; a
                // local directory (no version) leaves the required module as it was.
                let local = fields[1].hasPrefix("./") || fields[1].hasPrefix("../") || fields[1].hasPrefix("/")
                guard fields.count >= 3, !fields[2].isEmpty, fields[2] != "(devel)", !local, var last = packages.popLast() else { continue }
                last.name = fields[1]
                last.version = fields[2]
                last.supplier = supplier(ofModule: fields[1])
                packages.append(last)
            default:
                continue
            }
        }
        // The main module is built from every other module of the binary.
        if let main = packages.firstIndex(where: { $0.qualifiers["type"] == "module" }) {
            packages[main].dependencies = packages.indices.filter { $0 != main }.map { packages[$0].name }
        }
        for index in packages.indices { packages[index].qualifiers.removeValue(forKey: "type") }
        return packages
    }

    /// The owner of a module's repository (`github.com/spf13/cobra` → spf13), else its host.
    static func supplier(ofModule path: String) -> Supplier? {
        let parts = path.split(separator: "/")
        guard let host = parts.first, host.contains(".") else { return nil }
        if ["github.com", "gitlab.com", "bitbucket.org"].contains(host), parts.count >= 2 {
            return Supplier(kind: .organization, name: String(parts[1]))
        }
        return Supplier(kind: .organization, name: String(host))
    }
}
