import CDeflate
import Foundation

/// Rust binaries built with `cargo auditable`: the `.dep-v0` ELF section holds the crates the
/// binary was built from, as zlib-compressed JSON (`{"packages": [{"name", "version",
/// "source", "kind", "dependencies": [indices], "root"}]}`). The section is not loaded
/// (`sh_flags` 0), so it lies after the last loadable segment, before the section header
/// table at the end of the file. The stream keeps only that stretch (up to ``maxTail``) and
/// the section headers, then names the sections by `.shstrtab` (or, when that is past the
/// kept stretch, recognizes the audit data by its shape).
struct CargoAuditableScanner: ELFContentScanner {
    /// Bytes kept between the end of the loaded segments and the section headers (symbols,
    /// debug information, the audit data): the first this many.
    static let maxTail = 8 * 1024 * 1024
    static let maxCompressed = 4 * 1024 * 1024
    static let maxJSON = 16 * 1024 * 1024
    static let maxPackages = 100_000

    private var layout: ELFLayout?
    private var tail: [UInt8] = []
    private var headers: [UInt8] = []

    mutating func scan(_ block: ArraySlice<UInt8>, at offset: Int64) throws -> Bool {
        if offset == 0 {
            guard let layout = ELFLayout(head: block) else { return false }
            self.layout = layout
        }
        guard let layout else { return false }
        let end = offset + Int64(block.count)
        func take(_ from: Int64, _ to: Int64, into bytes: inout [UInt8]) {
            let lower = max(from, offset), upper = min(to, end)
            guard lower < upper else { return }
            bytes += block[(block.startIndex + Int(lower - offset))..<(block.startIndex + Int(upper - offset))]
        }
        take(layout.tailStart, min(layout.sectionHeaders, layout.tailStart + Int64(Self.maxTail)), into: &tail)
        take(layout.sectionHeaders, layout.sectionHeadersEnd, into: &headers)
        return end < layout.sectionHeadersEnd
    }

    func packages(path: String) throws -> [SoftwarePackage] {
        guard let layout else { return [] }
        let sections = layout.sections(in: headers)
        guard !sections.isEmpty else { return [] }
        guard layout.namesIndex < sections.count, let names = bytes(of: sections[layout.namesIndex], layout) else {
            return try unnamedAuditData(in: sections, layout, path: path)
        }
        let wanted = Array(".dep-v0".utf8) + [0]
        guard let audit = sections.first(where: { section in
            section.name >= 0 && section.name + wanted.count <= names.count
                && names[names.startIndex + section.name..<names.startIndex + section.name + wanted.count].elementsEqual(wanted)
        }) else { return [] }
        guard audit.size <= Int64(Self.maxCompressed) else {
            throw MalformedMetadata("its cargo-auditable section is \(audit.size) bytes (at most \(Self.maxCompressed) are read)")
        }
        guard let compressed = bytes(of: audit, layout) else {
            throw MalformedMetadata("its cargo-auditable section lies past the first \(Self.maxTail) bytes after its loaded segments, which are all that is kept")
        }
        return try Self.packages(json: try Self.inflate(Array(compressed)), path: path)
    }

    /// When `.shstrtab` lies past the kept stretch (large symbol tables or debug sections
    /// after the audit data), the audit data is recognized by its shape instead: a
    /// non-loaded PROGBITS section without flags, kept whole, starting with a zlib header,
    /// that inflates to JSON with a packages list.
    private func unnamedAuditData(in sections: [ELFLayout.Section], _ layout: ELFLayout, path: String) throws -> [SoftwarePackage] {
        for section in sections where section.type == 1 && section.flags == 0 && section.size <= Int64(Self.maxCompressed) {
            guard let bytes = bytes(of: section, layout), bytes.count >= 2,
                  bytes[bytes.startIndex] == 0x78, (UInt16(bytes[bytes.startIndex]) << 8 | UInt16(bytes[bytes.startIndex + 1])) % 31 == 0,
                  let json = try? Self.inflate(Array(bytes)), let packages = try? Self.packages(json: json, path: path) else { continue }
            return packages
        }
        return []
    }

    /// A section's bytes when they are all in the kept stretch.
    private func bytes(of section: ELFLayout.Section, _ layout: ELFLayout) -> ArraySlice<UInt8>? {
        let start = section.offset - layout.tailStart
        guard start >= 0, section.size >= 0, start <= Int64(tail.count), section.size <= Int64(tail.count) - start else { return nil }
        return tail[Int(start)..<Int(start + section.size)]
    }

    /// zlib-decompresses the audit data within ``maxJSON`` bytes (libdeflate, whole buffer).
    static func inflate(_ compressed: [UInt8]) throws -> [UInt8] {
        guard let decompressor = libdeflate_alloc_decompressor() else { throw MalformedMetadata("no memory to decompress its audit data") }
        defer { libdeflate_free_decompressor(decompressor) }
        var capacity = min(max(compressed.count * 8, 64 * 1024), maxJSON)
        while true {
            var output = [UInt8](repeating: 0, count: capacity)
            var produced = 0
            let result = compressed.withUnsafeBytes { input in
                output.withUnsafeMutableBytes { out in
                    libdeflate_zlib_decompress(decompressor, input.baseAddress, input.count, out.baseAddress, out.count, &produced)
                }
            }
            switch result {
            case LIBDEFLATE_SUCCESS:
                output.removeSubrange(produced...)
                return output
            case LIBDEFLATE_INSUFFICIENT_SPACE where capacity < maxJSON:
                capacity = min(capacity * 4, maxJSON)
            case LIBDEFLATE_INSUFFICIENT_SPACE:
                throw MalformedMetadata("its cargo-auditable data is more than \(maxJSON) bytes uncompressed")
            default:
                throw MalformedMetadata("its cargo-auditable section is not valid zlib data")
            }
        }
    }

    /// The crates of the audit data linked into the binary (`kind` runtime, the default);
    /// build-time crates (build scripts, proc macros) are not in it.
    static func packages(json: [UInt8], path: String) throws -> [SoftwarePackage] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
              let entries = object["packages"] as? [[String: Any]] else {
            throw MalformedMetadata("its cargo-auditable data is not a JSON object with a packages list")
        }
        guard entries.count <= maxPackages else { throw MalformedMetadata("its cargo-auditable data lists more than \(maxPackages) crates") }
        let names = entries.map { $0["name"] as? String ?? "" }
        var packages: [SoftwarePackage] = []
        for entry in entries {
            guard let name = entry["name"] as? String, !name.isEmpty, let version = entry["version"] as? String, !version.isEmpty,
                  (entry["kind"] as? String ?? "runtime") == "runtime" else { continue }
            var package = SoftwarePackage(name: name, version: version, ecosystem: .cargo, evidence: [path])
            if (entry["source"] as? String) == "crates.io" {
                package.supplier = Supplier(kind: .organization, name: "crates.io")
                package.homepage = "https://crates.io/crates/" + name
            }
            package.dependencies = ((entry["dependencies"] as? [Int]) ?? []).compactMap { index in
                names.indices.contains(index) && !names[index].isEmpty ? names[index] : nil
            }
            packages.append(package)
        }
        return packages
    }
}
