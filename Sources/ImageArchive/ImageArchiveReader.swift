import Compression
import StreamIO
import OCI

/// Options for reading an image tarball.
public struct ArchiveReadOptions: Sendable {
    /// Which image to take from a tarball holding several (`--image`).
    public var imageReference: String?
    /// Take only this platform of a multi-platform image (`--platform`).
    public var platform: Platform?
    /// The manifest flavour to build.
    public var manifestFormat: ManifestFormat = .oci
    public var limits = ArchiveLimits()
    /// Which files' contents to keep for inspection (the SBOM's catalogers choose).
    public var capture: any FileCapturePolicy = CaptureNothing()
    /// Keep every layer entry for ``PreparedImage/fileSystem()`` (about 150 bytes a file);
    /// when false, layers keep only whiteouts and captured files.
    public var recordsEntries = true
    /// gzip uncompressed tar layers during the pass, so the manifest names the blobs publish
    /// pushes. Off (`ecr-publish sbom` without `--exact-digest`), such layers are only hashed
    /// and walked: ``PreparedLayer/Action/hashed``, and the manifest digest is not final.
    public var compressesLayers = true
    /// Streams chosen files of every layer during the pass (the SBOM's catalogers); its
    /// findings land in each layer's ``LayerFiles/findings``.
    public var visitor: (any LayerVisitor)?
    /// Blobs the destination already holds: layers whose diffID is known before they are
    /// read and whose blob is there are only hashed, not compressed.
    public var reuse: (any LayerReuse)?
    /// Told how far the pass has read each blob member: when it starts, every
    /// ``LayerReadProgress/interval`` bytes, and when it is done (on the pass's thread).
    public var progress: (@Sendable (LayerReadProgress) -> Void)?
    /// Ends the pass early (with `CancellationError`) once stopped: another part of the run
    /// failed, and nothing the pass makes would be used.
    public var stop: StopSignal?

    public init() {}
}

/// Reads an image tarball in one streaming pass.
///
/// Accepts `docker save` output (classic and Docker 25+), OCI archives, and either of them
/// gzip- or zstd-compressed. Blobs go to `spool` as they stream past; the result names them by digest.
public enum ImageArchiveReader {
    /// Reads `path` (`-` for standard input).
    /// - Throws: ``ArchiveError`` for bad input, ``OutputError`` when the spool cannot be written.
    public static func read(
        path: String, options: ArchiveReadOptions, spool: BlobSpool, pool: CompressionPool
    ) throws -> LoadedArchive {
        let file = try FileSource(path: path)
        let head = try file.readPrefix(512)
        guard !head.isEmpty else { throw ArchiveError.notAnArchive(path: path, reason: "the file is empty") }

        let buffered = BufferedSource(file)
        let upstream: any ByteSource = options.stop.map { StoppableSource(buffered, signal: $0) } ?? buffered
        var source: any ByteSource = PrefixedSource(prefix: head, upstream: upstream)
        if let compression = BlobIngester.compression(of: head) {
            source = compression == .zstd ? try ZstdReader(source: source) : try GzipReader(source: source)
            let inner = try mapCompression(path: path) { [source] in try source.readPrefix(512) }
            try requireTar(inner, path: path)
            source = PrefixedSource(prefix: inner, upstream: source)
        } else {
            try requireTar(head, path: path)
        }

        let ingester = BlobIngester(
            spool: spool, pool: pool, limits: options.limits, capture: options.capture,
            captureBudget: CaptureBudget(bytes: options.limits.maxCapturedBytes), recordsEntries: options.recordsEntries,
            visitor: options.visitor, reuse: options.reuse, compressesLayers: options.compressesLayers,
            progress: options.progress)
        let scanner = ArchiveScanner(label: path, limits: options.limits, ingester: ingester)
        let contents = try mapCompression(path: path) { try scanner.scan(source) }
        let resolver = ImageResolver(
            contents: contents, format: options.manifestFormat, label: path, limits: options.limits,
            platform: options.platform)
        return try resolver.resolve(selecting: options.imageReference)
    }

    private static func requireTar(_ block: [UInt8], path: String) throws {
        guard block.count == 512 else {
            throw ArchiveError.notAnArchive(path: path, reason: "it is shorter than one tar header (\(block.count) bytes)")
        }
        guard TarHeaderProbe.isTarHeader(block), !block.allSatisfy({ $0 == 0 }) else {
            throw ArchiveError.notAnArchive(path: path, reason: "it does not start with a tar header")
        }
    }

    /// Errors of the outer gzip stream are errors of the tarball.
    private static func mapCompression<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch CompressionError.truncatedGzip, CompressionError.truncatedZstd {
            throw ArchiveError.truncated("the compressed stream of \(path) ends early")
        } catch let error as CompressionError {
            throw ArchiveError.corruptArchive(path: path, detail: error.description)
        }
    }
}
