import Compression
import StreamIO
import ImageArchive
import OCI
import TestSupport

/// Reads a tarball the way the pipeline does, into a temporary spool.
struct ArchiveReading {
    let directory: TemporaryDirectory
    let spool: BlobSpool

    init() throws {
        directory = try TemporaryDirectory("archive")
        spool = try BlobSpool(directory: directory.file("blobs"))
    }

    func read(
        _ path: String, image: String? = nil, format: ManifestFormat = .oci, threads: Int = 2,
        capture: any FileCapturePolicy = CaptureNothing(), limits: ArchiveLimits = ArchiveLimits()
    ) throws -> LoadedArchive {
        let pool = try CompressionPool(threads: threads, level: 6)
        defer { pool.shutdown() }
        var options = ArchiveReadOptions()
        options.imageReference = image
        options.manifestFormat = format
        options.capture = capture
        options.limits = limits
        return try ImageArchiveReader.read(path: path, options: options, spool: spool, pool: pool)
    }
}
