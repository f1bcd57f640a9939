import ArgumentParser
import Foundation
import OCI
import Publish

extension ManifestFormat: ExpressibleByArgument {}

/// How the image is built from the tarball.
struct ImageOptions: ParsableArguments {
    @Option(name: .long, help: "Manifest flavour: oci or docker (Docker image manifest v2 schema 2).")
    var manifestFormat: ManifestFormat = .oci

    @Option(name: .long, help: ArgumentHelp(
        "gzip level for uncompressed layers: 1-9 as in gzip, 0 stores, 10-12 are slower and smaller.",
        valueName: "level"))
    var compressionLevel = BuildStage.defaultCompressionLevel

    @Option(name: .long, help: "Compression threads (default: the number of cores; at most twice the cores are started). Output is identical for any value.")
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Publish only this platform of a multi-platform image.", valueName: "os/arch[/variant]"))
    var platform: String?

    func validate() throws {
        if let platform, Platform(parsing: platform) == nil {
            throw ValidationError("--platform takes os/arch[/variant] (e.g. linux/arm64), not '\(platform)'")
        }
    }

    /// Fills the build stage.
    func apply(to build: inout BuildStage) {
        build.platform = platform.flatMap(Platform.init(parsing:))
        build.manifestFormat = manifestFormat
        build.compressionLevel = compressionLevel
        if let threads { build.threads = threads }
    }
}
