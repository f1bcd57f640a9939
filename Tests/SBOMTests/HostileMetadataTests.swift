import Foundation
import SBOM
import Testing
import TestSupport

/// Metadata files made to hurt: each is skipped (with a warning where it looked like
/// metadata), and the run goes on with bounded memory.
@Suite struct HostileMetadataTests {
    @Test func hostileFilesAreSkippedNotFatal() throws {
        let fixture = try SBOMFixture()
        let layer = fixture.directory.file("layer")
        func write(_ path: String, _ bytes: [UInt8]) throws {
            let full = layer + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: full))
        }
        // 200,000 levels of nesting in a package.json.
        try write("usr/lib/node_modules/deep/package.json",
                  Array(("{\"name\":\"deep\",\"version\":\"1\",\"a\":" + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + "}").utf8))
        // A dpkg status larger than the dpkg cataloger reads.
        try write("var/lib/dpkg/status", [UInt8](repeating: UInt8(ascii: "a"), count: 32 * 1024 * 1024 + 1))
        // An ELF with Go's magic and then a length of 2^34 bytes.
        var go: [UInt8] = [0x7f, 0x45, 0x4c, 0x46] + [UInt8](repeating: 0, count: 65_532)
        go += [0xff] + Array(" Go buildinf:".utf8) + [8, 2] + [UInt8](repeating: 0, count: 16) + [0xff, 0xff, 0xff, 0xff, 0x7f]
        go += [UInt8](repeating: 0, count: 1000)
        try write("usr/bin/fake-go", go)
        // A jar that is not a zip past its first bytes.
        try write("opt/app.jar", Array("PK\u{03}\u{04}garbage".utf8))
        // Binary garbage where METADATA should be.
        try write("usr/lib/python3/dist-packages/x-1.dist-info/METADATA", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })

        let tarball = fixture.directory.file("hostile.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "docker-classic",
                                   "--layer", layer, "--tag", "sbom/hostile:1", "--out", tarball])
        let catalog = ImageCatalog(image: try fixture.read(tarball).artifact.images[0])
        #expect(catalog.packages.isEmpty, "\(catalog.packages.map(\.name))")
        let warned = catalog.warnings.joined(separator: "\n")
        for path in ["/usr/lib/node_modules/deep/package.json", "/var/lib/dpkg/status", "/usr/bin/fake-go", "/opt/app.jar", "/usr/lib/python3/dist-packages/x-1.dist-info/METADATA"] {
            #expect(warned.contains(path), "\(path): \(warned)")
        }
    }
}
