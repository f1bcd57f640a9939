import Compression
import Foundation
import ImageArchive
import OCI
import StreamIO

/// `ecr-publish sbom`: one pass over the tarball for its SBOMs alone. Uncompressed layers are
/// hashed and walked, not compressed: the SBOM names the image by its manifest digest when
/// the tarball's layers are already compressed (publish pushes them as they are), else by its
/// image ID. With ``exactDigest``, layers are compressed as `publish` would (same level) into a
/// temporary spool that is removed at the end, and the SBOM names the manifest digest publish pushes.
public struct SBOMRun: Sendable {
    public var imagePath: String
    /// The image's name in the SBOM (the repository, `team/app`); default: the tarball's name for it.
    public var name: String?
    public var imageReference: String?
    public var platform: Platform?
    public var manifestFormat: ManifestFormat = .oci
    public var compressionLevel = BuildStage.defaultCompressionLevel
    /// Compress uncompressed layers to name the manifest digest publish pushes.
    public var exactDigest = false
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Where the SBOM goes; with several platforms, `-os-arch` is put before the extension.
    public var output: String
    public var step = SBOMStep()
    public var registry: String?
    public var limits = ArchiveLimits()

    public init(imagePath: String, output: String) {
        self.imagePath = imagePath
        self.output = output
    }

    public func run() async throws -> [SBOMReport] {
        guard !output.isEmpty else { throw PublishError.invalidOption("--output needs a file name") }
        let run = self
        let temporary = try FileSystem.makeTemporaryDirectory(prefix: "ecr-publish-sbom")
        defer { FileSystem.removeTree(temporary) }
        let loaded = try await Blocking.run {
            let pool = try CompressionPool(threads: run.threads, level: run.compressionLevel)
            defer { pool.shutdown() }
            let spool = try BlobSpool(directory: temporary + "/blobs")
            var options = ArchiveReadOptions()
            options.imageReference = run.imageReference
            options.manifestFormat = run.manifestFormat
            options.platform = run.platform
            options.limits = run.limits
            options.recordsEntries = false
            options.compressesLayers = run.exactDigest
            options.visitor = run.step.visitor
            return try ImageArchiveReader.read(path: run.imagePath, options: options, spool: spool, pool: pool)
        }
        let name = self.name ?? Self.defaultName(loaded)
        return try step.write(loaded, name: name, repositoryURL: registry.map { "\($0)/\(name)" }) { image, format in
            Self.path(output, image: image, format: format, of: loaded)
        }
    }

    /// The repository part of the tarball's name for the image (`team/app` of `team/app:1.0`).
    static func defaultName(_ loaded: LoadedArchive) -> String {
        guard let source = loaded.artifact.sourceName, !source.hasPrefix("sha256:") else { return "image" }
        let lastSlash = source.lastIndex(of: "/")
        if let colon = source.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true { return String(source[..<colon]) }
        return source
    }

    /// `out.json`, or `out-linux-arm64.json` for one platform of several.
    static func path(_ output: String, image: PreparedImage, format: SBOMFormat, of loaded: LoadedArchive) -> String {
        guard loaded.artifact.images.count > 1, let platform = image.platform else { return output }
        let suffix = "-" + platform.description.replacingOccurrences(of: "/", with: "-")
        let slash = output.lastIndex(of: "/")
        if let dot = output.lastIndex(of: "."), slash.map({ dot > $0 }) ?? true, dot != output.startIndex {
            return String(output[..<dot]) + suffix + String(output[dot...])
        }
        return output + suffix
    }
}
