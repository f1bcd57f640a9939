import Crypto
import Compression
import StreamIO
import OCI

/// Reads one archive member exactly once and derives everything from that read: digests,
/// the compressed blob, the layer's file index.
///
/// - uncompressed tar → SHA-256 (diffID), parallel gzip → SHA-256 (blob digest) → spool,
///   and the tar walk, all from the same buffers; when ``reuse`` knows a blob for the diffID
///   the member's name promises, only the SHA-256 and the walk;
/// - gzip or zstd → SHA-256 (blob digest) and spool of the original bytes, decompression
///   → SHA-256 (diffID) and the tar walk;
/// - small JSON or text → held in memory as metadata;
/// - anything else → SHA-256 and spool.
struct BlobIngester {
    enum Result {
        case metadata([UInt8])
        case blob(ScannedBlob)
    }

    let spool: BlobSpool
    let pool: CompressionPool
    let limits: ArchiveLimits
    let capture: any FileCapturePolicy
    let captureBudget: CaptureBudget
    let recordsEntries: Bool
    var visitor: (any LayerVisitor)? = nil
    /// Blobs the destination already holds, by diffID: layers it names are not compressed.
    var reuse: (any LayerReuse)? = nil
    var compressesLayers = true
    /// Told how far each blob member has been read (``LayerReadProgress``).
    var progress: (@Sendable (LayerReadProgress) -> Void)? = nil

    /// Small non-JSON members (VERSION files) are kept in memory up to this size.
    private let smallFileLimit = 64 * 1024

    func ingest(path: String, size: Int64, from member: any ByteSource) throws -> Result {
        let peek = try member.readPrefix(Int(min(size, 512)))
        let meter = progress.map { LayerMeter(path: path, size: size, alreadyRead: peek.count, report: $0) }
        let guarded = GuardedSource(meter?.metering(member) ?? member)
        let source = PrefixedSource(prefix: peek, upstream: guarded)

        if let compression = Self.compression(of: peek) {
            meter?.start(.hashing)
            return .blob(try ingestCompressed(path: path, compression: compression, source: source, guarded: guarded).reported(to: meter))
        }
        if peek.count == 512, TarHeaderProbe.isTarHeader(peek) {
            return .blob(try ingestTar(path: path, size: size, source: source, guarded: guarded, meter: meter).reported(to: meter))
        }
        let looksLikeJSON = peek.first(where: { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }).map { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") } ?? false
        if (looksLikeJSON && size <= Int64(limits.maxMetadataSize)) || size <= Int64(smallFileLimit) {
            return .metadata(try source.readAll(limit: limits.maxMetadataSize))
        }
        meter?.start(.hashing)
        return .blob(try ingestOpaque(path: path, head: peek, source: source).reported(to: meter))
    }

    private func walker(for path: String) -> LayerWalker {
        LayerWalker(context: Self.context(of: path), limits: limits, capture: capture, captureBudget: captureBudget,
                    recordsEntries: recordsEntries, visitor: visitor)
    }

    private static func context(of path: String) -> String { "layer '\(path)'" }

    /// A defect of the tar inside a layer, said as one: the image tarball around it is fine.
    private static func layerDefect(_ error: ArchiveError, path: String) -> ArchiveError {
        let context = context(of: path)
        switch error {
        case .truncated(let detail):
            return .corruptLayer(path: path, detail: detail.replacingOccurrences(of: context, with: "its tar"))
        case .corruptHeader(let offset, let reason):
            let reason = reason.replacingOccurrences(of: " in \(context)", with: "")
            return .corruptLayer(path: path, detail: "the tar header at byte \(offset) of the layer is corrupt: \(reason)")
        default:
            return error
        }
    }

    private func ingestTar(path: String, size: Int64, source: any ByteSource, guarded: GuardedSource, meter: LayerMeter?) throws -> ScannedBlob {
        // A layer the destination is known to lack is new: its upload may stream while it is compressed.
        var isNew = false
        if let reuse {
            let expected = expectedDiffID(path: path, size: size, reuse: reuse)
            if let expected, let known = reuse.reusableBlob(forDiffID: expected.digest) {
                meter?.start(.reused)
                return try hashTar(path: path, source: source, guarded: guarded, reusing: (expected, known))
            }
            isNew = expected != nil || !reuse.mayHoldUnannouncedLayers
        }
        // `sbom` without --exact-digest: hashed and walked, never compressed.
        meter?.start(compressesLayers ? .compressing : .hashing)
        guard compressesLayers else { return try hashTar(path: path, source: source, guarded: guarded, reusing: nil) }
        let writer = try spool.makeWriter(newLayer: isNew)
        let gzip = ParallelGzipWriter(pool: pool) { try writer.write($0) }
        let diffHasher = SHA256Hasher()
        let tee = TeeSource(source, observers: [
            { diffHasher.update($0) },
            { try gzip.write($0) },
        ])
        let (files, layerError) = try walk(tee, path: path, guarded: guarded)
        try gzip.finish()
        let diffID = diffHasher.finalize()
        let stored = writer.finalizeDigest()
        try writer.commit(as: stored)
        return ScannedBlob(
            archivePath: path, kind: .tarLayer, digest: diffID, size: tee.count,
            diffID: diffID, uncompressedSize: tee.count,
            stored: stored, storedSize: writer.size, storedCompression: .gzip,
            files: files, layerError: layerError)
    }

    /// A layer hashed to check its diffID and walked for the catalogers, never compressed or
    /// spooled: one whose blob the destination already holds (`reusing`), or any layer when
    /// nothing is to be published (`compressesLayers` off; its descriptor is then the tar's).
    private func hashTar(
        path: String, source: any ByteSource, guarded: GuardedSource, reusing: (expected: ExpectedDiffID, known: Descriptor)?
    ) throws -> ScannedBlob {
        let diffHasher = SHA256Hasher()
        let tee = TeeSource(source, observers: [{ diffHasher.update($0) }])
        let (files, layerError) = try walk(tee, path: path, guarded: guarded)
        let diffID = diffHasher.finalize()
        guard let (expected, known) = reusing else {
            return ScannedBlob(
                archivePath: path, kind: .tarLayer, digest: diffID, size: tee.count, diffID: diffID, uncompressedSize: tee.count,
                stored: diffID, storedSize: tee.count, storedCompression: .uncompressed, files: files, layerError: layerError)
        }
        if diffID != expected.digest {
            switch expected {
            case .named(let name): throw ArchiveError.digestMismatch(path: path, expected: name, actual: diffID)
            case .remembered(let hint): throw LayerReuseMiss(path: path, expected: hint, actual: diffID)
            }
        }
        return ScannedBlob(
            archivePath: path, kind: .tarLayer, digest: diffID, size: tee.count,
            diffID: diffID, uncompressedSize: tee.count,
            stored: known.digest, storedSize: known.size, storedCompression: .gzip,
            files: files, layerError: layerError, reused: true)
    }

    /// The tar walk over `tee`, read to its end whatever the walk thinks of it.
    private func walk(_ tee: TeeSource, path: String, guarded: GuardedSource) throws -> (LayerFiles?, ArchiveError?) {
        var files: LayerFiles?
        var layerError: ArchiveError?
        do {
            files = try walker(for: path).walk(tee)
        } catch let error as ArchiveError {
            try guarded.rethrowUpstreamFailure()
            layerError = Self.layerDefect(error, path: path)
        }
        try tee.drain()
        return (files, layerError)
    }

    /// What a tar member's diffID should be, known before reading it: from its name, else
    /// from what `reuse` remembers of it.
    private func expectedDiffID(path: String, size: Int64, reuse: any LayerReuse) -> ExpectedDiffID? {
        if let named = MemberName.digest(path) { return .named(named) }
        return reuse.expectedDiffID(path: path, size: size).map(ExpectedDiffID.remembered)
    }

    /// gzip (`1f 8b 08`) or zstd (`28 b5 2f fd`) by their magic numbers.
    static func compression(of head: [UInt8]) -> LayerCompression? {
        if head.count >= 3, head[0] == 0x1f, head[1] == 0x8b, head[2] == 0x08 { return .gzip }
        if head.count >= 4, head[0] == 0x28, head[1] == 0xb5, head[2] == 0x2f, head[3] == 0xfd { return .zstd }
        return nil
    }

    private func ingestCompressed(
        path: String, compression: LayerCompression, source: any ByteSource, guarded: GuardedSource
    ) throws -> ScannedBlob {
        let writer = try spool.makeWriter()
        let raw = TeeSource(source, observers: [{ try writer.write($0) }])
        let diffHasher = SHA256Hasher()
        var files: LayerFiles?
        var layerError: ArchiveError?
        var uncompressed: Int64 = 0
        do {
            let decompressed: any ByteSource = compression == .zstd ? try ZstdReader(source: raw) : try GzipReader(source: raw)
            let plain = TeeSource(decompressed, observers: [{ diffHasher.update($0) }])
            files = try walker(for: path).walk(plain)
            try plain.drain()
            uncompressed = plain.count
        } catch let error as ArchiveError {
            try guarded.rethrowUpstreamFailure()
            layerError = Self.layerDefect(error, path: path)
        } catch let error as CompressionError {
            try guarded.rethrowUpstreamFailure()
            layerError = .corruptLayer(path: path, detail: error.description)
        }
        // Whatever the decompressor left unread still belongs to the blob.
        try raw.drain()
        let digest = writer.finalizeDigest()
        try writer.commit(as: digest)
        return ScannedBlob(
            archivePath: path, kind: .compressedLayer, digest: digest, size: writer.size,
            diffID: layerError == nil ? diffHasher.finalize() : nil,
            uncompressedSize: layerError == nil ? uncompressed : nil,
            stored: digest, storedSize: writer.size, storedCompression: compression,
            files: files, layerError: layerError)
    }

    private func ingestOpaque(path: String, head: [UInt8], source: any ByteSource) throws -> ScannedBlob {
        let writer = try spool.makeWriter()
        let raw = TeeSource(source, observers: [{ try writer.write($0) }])
        try raw.drain()
        let digest = writer.finalizeDigest()
        try writer.commit(as: digest)
        return ScannedBlob(
            archivePath: path, kind: .opaque, digest: digest, size: writer.size,
            diffID: nil, uncompressedSize: nil,
            stored: digest, storedSize: writer.size, storedCompression: .uncompressed,
            files: nil,
            layerError: .unreadableLayer(path: path, content: BlobFormat.describe(head: head)))
    }
}

/// Recognizes a tar header block by its checksum (or an all-zero end-of-archive block).
enum TarHeaderProbe {
    static func isTarHeader(_ block: [UInt8]) -> Bool {
        guard block.count == 512 else { return false }
        if block.allSatisfy({ $0 == 0 }) { return true }
        var stored: Int64 = 0
        var seenDigit = false
        for byte in block[148..<156] {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") {
                stored = stored * 8 + Int64(byte - UInt8(ascii: "0"))
                seenDigit = true
            } else if byte == 0 || byte == UInt8(ascii: " ") {
                if seenDigit { break }
            } else {
                return false
            }
        }
        guard seenDigit else { return false }
        var sum: Int64 = 0
        for (index, byte) in block.enumerated() { sum += (148..<156).contains(index) ? 32 : Int64(byte) }
        return sum == stored
    }
}
