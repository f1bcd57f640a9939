import Compression
import Foundation
import ImageArchive
import SBOM
import StreamIO
import TestSupport

/// Images built at test time from the layer directories of fixtures/sbom, read in one pass
/// with the catalogers.
struct SBOMFixture {
    static let root = Paths.repositoryRoot + "/fixtures/sbom"

    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory("sbom") }

    /// Packs `layers` (fixture directory names, bottom first) as a docker-archive tarball.
    func image(_ layers: [String], layout: String = "docker-classic") throws -> String {
        let output = directory.file("image-\(layers.joined(separator: "-"))-\(layout).tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", layout]
            + layers.flatMap { ["--layer", Self.root + "/" + $0] } + ["--tag", "sbom/test:1", "--out", output])
        return output
    }

    /// Reads `tarball` the way publish does (no entry list) with the catalogers.
    func read(_ tarball: String, visitor: CatalogVisitor = CatalogVisitor()) throws -> LoadedArchive {
        var options = ArchiveReadOptions()
        options.recordsEntries = false
        options.visitor = visitor
        let spool = try BlobSpool(directory: directory.file("blobs-\(UUID().uuidString)"))
        let pool = try CompressionPool(threads: 2, level: 1)
        defer { pool.shutdown() }
        return try ImageArchiveReader.read(path: tarball, options: options, spool: spool, pool: pool)
    }

    func catalog(_ layers: [String]) throws -> (ImageCatalog, PreparedImage) {
        let image = try read(image(layers)).artifact.images[0]
        return (ImageCatalog(image: image), image)
    }

    static func file(_ path: String) throws -> MetadataFile {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: root + "/" + path)))
        // Catalogers see image-relative paths: drop the layer directory.
        return MetadataFile(path: String(path.split(separator: "/", maxSplits: 1)[1]), bytes: bytes)
    }
}

