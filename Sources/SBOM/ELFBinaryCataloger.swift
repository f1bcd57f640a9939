import StreamIO

/// Reads one kind of information of an ELF file, fed its bytes in order, block by block.
protocol ELFContentScanner {
    /// Takes the next block of the file, starting at `offset`; returns false once it needs
    /// no more bytes.
    /// - Throws: ``MalformedMetadata`` for a file it cannot read.
    mutating func scan(_ block: ArraySlice<UInt8>, at offset: Int64) throws -> Bool
    /// What the bytes it took show.
    func packages(path: String) throws -> [SoftwarePackage]
}

/// Binaries (ELF files, wherever they are): the file streams past once in 64 KiB blocks,
/// handed to the Go build-information scanner and the cargo-auditable scanner until neither
/// needs more. A Go binary carries no cargo-auditable section: once Go's magic is seen, the
/// Rust scanner stops.
public struct ELFBinaryCataloger: SniffingCataloger {
    public init() {}
    public var name: String { "binary" }
    public var sniffLength: Int { 4 }
    public var minFileSize: Int64 { 64 * 1024 }

    public func wants(head: [UInt8]) -> Bool { head.starts(with: [0x7f, 0x45, 0x4c, 0x46]) }  // ELF

    public func catalog(path: String, contents: any ByteSource) throws -> CatalogResult {
        var go: GoBuildInfoScanner? = GoBuildInfoScanner()
        var cargo: CargoAuditableScanner? = CargoAuditableScanner()
        var block = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: Int64 = 0
        var packages: [SoftwarePackage] = []
        while go != nil || cargo != nil {
            let n = try block.withUnsafeMutableBytes { try contents.readFully(into: $0) }
            if n == 0 { break }
            if var scanner = go {
                let more = try scanner.scan(block[..<n], at: offset)
                if scanner.found { cargo = nil }
                if more { go = scanner } else { packages += try scanner.packages(path: path); go = nil }
            }
            if var scanner = cargo {
                if try scanner.scan(block[..<n], at: offset) { cargo = scanner } else { packages += try scanner.packages(path: path); cargo = nil }
            }
            offset += Int64(n)
            if n < block.count { break }
        }
        // The end of the file: what the scanners still reading have.
        packages += try (go?.packages(path: path) ?? []) + (cargo?.packages(path: path) ?? [])
        return CatalogResult(packages: packages)
    }
}
