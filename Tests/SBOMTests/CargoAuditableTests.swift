import Foundation
import SBOM
import Testing
import TestSupport

/// Rust binaries built with cargo-auditable, made at test time the way its linker step makes
/// them: a real ELF from `cc`, the audit JSON zlib-compressed by Python, added as the
/// non-loaded `.dep-v0` section by binutils' `objcopy`; read in the pass against the JSON put in.
@Suite struct CargoAuditableTests {
    static var audit: [String: Any] { ["packages": [
        ["name": "app", "version": "0.1.0", "source": "local", "dependencies": [1, 3], "root": true],
        ["name": "serde", "version": "1.0.197", "source": "crates.io", "dependencies": [2]],
        ["name": "serde_derive", "version": "1.0.197", "source": "crates.io", "kind": "build"],
        ["name": "itoa", "version": "1.0.10+meta", "source": "crates.io"],
    ]] }

    /// A C program of more than 64 KiB (the size binaries are looked at from), with `section`
    /// added as `.dep-v0` when given, and then `padding` bytes of a section objcopy places
    /// after it (it inserts each added section before the ones added earlier).
    static func binary(at path: String, section: [UInt8]?, padding: Int = 0, in directory: TemporaryDirectory) throws {
        let source = directory.file("app.c")
        try Data("static const volatile unsigned char pad[131072] = {1};\nint main(int argc, char **argv) { return pad[argc]; }\n".utf8)
            .write(to: URL(fileURLWithPath: source))
        try Tool.check("cc", ["-O1", "-o", path, source])
        guard let section else { return }
        let data = directory.file("dep-v0.bin"), pad = directory.file("pad.bin")
        try Data(section).write(to: URL(fileURLWithPath: data))
        var arguments: [String] = []
        if padding > 0 {
            try Data((0..<padding).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }).write(to: URL(fileURLWithPath: pad))
            arguments += ["--add-section", ".zpad=" + pad, "--set-section-flags", ".zpad=contents,readonly"]
        }
        try Tool.check("objcopy", arguments + ["--add-section", ".dep-v0=" + data, "--set-section-flags", ".dep-v0=contents,readonly", path])
    }

    static func zlib(_ bytes: [UInt8], in directory: TemporaryDirectory) throws -> [UInt8] {
        let input = directory.file("audit.json"), output = directory.file("audit.zlib")
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        try Tool.check("python3", ["-c", "import sys, zlib; open(sys.argv[2], 'wb').write(zlib.compress(open(sys.argv[1], 'rb').read(), 9))", input, output])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
    }

    @Test func cratesOfAnAuditableBinaryAreTheOnesItWasBuiltWith() throws {
        let fixture = try SBOMFixture()
        let bin = fixture.directory.file("layer/usr/local/bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let json = [UInt8](try JSONSerialization.data(withJSONObject: Self.audit))
        try Self.binary(at: bin + "/app", section: try Self.zlib(json, in: fixture.directory), in: fixture.directory)
        try Self.binary(at: bin + "/broken", section: Array("not zlib at all".utf8), in: fixture.directory)
        try Self.binary(at: bin + "/plain", section: nil, in: fixture.directory)

        // binutils reads back what the test put in, and says the section is not loaded.
        let dumped = fixture.directory.file("dumped.zlib")
        try Tool.check("objcopy", ["--dump-section", ".dep-v0=" + dumped, bin + "/app", fixture.directory.file("copy")])
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: dumped))) == (try Self.zlib(json, in: fixture.directory)))
        let sections = try Tool.check("readelf", ["-SW", bin + "/app"]).stdout
        let line = try #require(sections.split(separator: "\n").first { $0.contains(".dep-v0") })
        #expect(!line.contains(" A"), "\(line)")

        let tarball = fixture.directory.file("rust.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "docker-classic",
                                   "--layer", fixture.directory.file("layer"), "--tag", "sbom/rust:1", "--out", tarball])
        let image = try fixture.read(tarball).artifact.images[0]
        let catalog = ImageCatalog(image: image)

        // Every runtime crate of the JSON, none of its build-time ones.
        let expected = ((Self.audit["packages"] as? [[String: Any]]) ?? []).filter { ($0["kind"] as? String ?? "runtime") == "runtime" }
        #expect(Set(catalog.packages.map { "\($0.name)@\($0.version)" }) == Set(expected.map { "\($0["name"]!)@\($0["version"]!)" }))
        #expect(catalog.packages.allSatisfy { $0.ecosystem == .cargo && $0.evidence == ["usr/local/bin/app"] })
        #expect(Set(catalog.packages.map { PackageURL(package: $0, distro: nil).description })
                == ["pkg:cargo/app@0.1.0", "pkg:cargo/serde@1.0.197", "pkg:cargo/itoa@1.0.10%2Bmeta"])
        #expect(catalog.packages.first { $0.name == "app" }?.dependencies == ["serde", "itoa"])
        #expect(catalog.packages.first { $0.name == "serde" }?.supplier?.name == "crates.io")
        let warned = catalog.warnings.joined(separator: "\n")
        #expect(warned.contains("/usr/local/bin/broken") && warned.contains("not valid zlib"), "\(warned)")
        #expect(!warned.contains("/usr/local/bin/plain"), "\(warned)")

        let subject = ImageSubject(image: image, name: "team/rust", supplier: SPDXTests.supplier)
        let spdxPath = fixture.directory.file("rust.spdx.json"), cdxPath = fixture.directory.file("rust.cdx.json")
        try Data(SPDXEncoder(info: SPDXTests.info).encode(catalog, subject: subject)).write(to: URL(fileURLWithPath: spdxPath))
        try Data(CycloneDXEncoder(info: SPDXTests.info).encode(catalog, subject: subject, toolVersion: "0.0.0"))
            .write(to: URL(fileURLWithPath: cdxPath))
        let spdx = try SBOMValidators.pyspdxtools(spdxPath)
        #expect(spdx.status == 0, "\(spdx.stdout)\(spdx.stderr)")
        let cdx = try SBOMValidators.cycloneDX(cdxPath)
        #expect(cdx.status == 0, "\(cdx.stdout)\(cdx.stderr)")
    }

    /// 9 MiB of another section after the audit data push the section names past the
    /// stretch the scanner keeps: the audit data is recognized by its shape.
    @Test func auditDataIsFoundWhenTheSectionNamesAreFarBehindIt() throws {
        let fixture = try SBOMFixture()
        let bin = fixture.directory.file("layer/usr/bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let json = [UInt8](try JSONSerialization.data(withJSONObject: Self.audit))
        try Self.binary(at: bin + "/app", section: try Self.zlib(json, in: fixture.directory), padding: 9 << 20, in: fixture.directory)
        let sections = try Tool.check("readelf", ["-SW", bin + "/app"]).stdout.split(separator: "\n")
        let order = sections.compactMap { line in [".dep-v0", ".zpad", ".shstrtab"].first { line.contains(" \($0) ") } }
        #expect(order == [".dep-v0", ".zpad", ".shstrtab"], "\(sections)")

        let tarball = fixture.directory.file("rust-far.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "docker-classic",
                                   "--layer", fixture.directory.file("layer"), "--tag", "sbom/rust:2", "--out", tarball])
        let catalog = ImageCatalog(image: try fixture.read(tarball).artifact.images[0])
        #expect(Set(catalog.packages.map { "\($0.name)@\($0.version)" }) == ["app@0.1.0", "serde@1.0.197", "itoa@1.0.10+meta"])
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")
    }

    /// A 32-bit big-endian ELF (PowerPC), written byte by byte (no cross compiler here) and
    /// read back by binutils' readelf: the other class and byte order of the ELF reader.
    @Test func aThirtyTwoBitBigEndianBinary() throws {
        let fixture = try SBOMFixture()
        let bin = fixture.directory.file("layer/usr/bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try Tool.check("python3", ["-c", Self.elf32BigEndian, bin + "/tiny"])
        let header = try Tool.check("readelf", ["-hSW", bin + "/tiny"]).stdout
        #expect(header.contains("ELF32") && header.contains("big endian") && header.contains(".dep-v0"), "\(header)")

        let tarball = fixture.directory.file("rust-ppc.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "docker-classic",
                                   "--layer", fixture.directory.file("layer"), "--tag", "sbom/rust:3", "--out", tarball])
        let catalog = ImageCatalog(image: try fixture.read(tarball).artifact.images[0])
        #expect(catalog.packages.map { PackageURL(package: $0, distro: nil).description } == ["pkg:cargo/tiny@0.2.0"])
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")
    }

    static let elf32BigEndian = """
        import struct, sys, zlib, json
        # A minimal 32-bit big-endian ELF (PowerPC): one PT_LOAD of 64 KiB + header, then .dep-v0, .shstrtab, section headers.
        audit = zlib.compress(json.dumps({"packages": [{"name": "tiny", "version": "0.2.0", "source": "crates.io"}]}).encode())
        names = b"\\0.dep-v0\\0.shstrtab\\0"
        load_size = 0x10000 + 0x100
        ehsize, phentsize, shentsize = 52, 32, 40
        ph_off = ehsize
        dep_off = load_size
        names_off = dep_off + len(audit)
        sh_off = (names_off + len(names) + 3) & ~3
        ident = b"\\x7fELF" + bytes([1, 2, 1, 0]) + bytes(8)
        header = ident + struct.pack(">HHIIIIIHHHHHH", 2, 20, 1, 0x10000000, ph_off, sh_off, 0, ehsize, phentsize, 1, shentsize, 3, 2)
        phdr = struct.pack(">IIIIIIII", 1, 0, 0x10000000, 0x10000000, load_size, load_size, 5, 0x10000)
        body = bytearray(header + phdr)
        body += bytes(load_size - len(body))
        body += audit + names
        body += bytes(sh_off - len(body))
        body += struct.pack(">IIIIIIIIII", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        body += struct.pack(">IIIIIIIIII", 1, 1, 0, 0, dep_off, len(audit), 0, 0, 1, 0)
        body += struct.pack(">IIIIIIIIII", 9, 3, 0, 0, names_off, len(names), 0, 0, 1, 0)
        open(sys.argv[1], "wb").write(body)
        """
}
