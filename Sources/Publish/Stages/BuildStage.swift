import Foundation
import ImageArchive
import OCI

/// Build: how the published image is made from the tarball.
public struct BuildStage: Sendable {
    public var manifestFormat: ManifestFormat = .oci
    /// Only this platform of a multi-platform image (`--platform os/arch[/variant]`).
    public var platform: Platform?
    /// The default gzip level: libdeflate's 2, chosen by the figures in bench/README.md (on the
    /// realistic image its output is smaller than skopeo's default gzip at about 0.6 of the
    /// time; 5 saves about 4 % more bytes for about 30 % more CPU).
    public static let defaultCompressionLevel = 2

    /// gzip level, 0-12 (1-9 as in gzip).
    public var compressionLevel = BuildStage.defaultCompressionLevel
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
