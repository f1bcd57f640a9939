import Foundation
import ImageArchive
import OCI

/// Build: how the published image is made from the tarball.
public struct BuildStage: Sendable {
    public var manifestFormat: ManifestFormat = .oci
    /// Only this platform of a multi-platform image (`--platform os/arch[/variant]`).
    public var platform: Platform?
    /// gzip level, 0-12 (1-9 as in gzip).
    public var compressionLevel = 5
    /// Compression threads; defaults to the number of cores.
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    public func validate() throws {
        guard (0...12).contains(compressionLevel) else {
            throw PublishError.invalidOption("--compression-level must be 0-12 (1-9 as in gzip), not \(compressionLevel)")
        }
        guard (1...256).contains(threads) else {
            throw PublishError.invalidOption("--threads must be 1-256, not \(threads)")
        }
    }
}
