import ArgumentParser
import Foundation
import Publish

/// Where and how the image is pushed.
struct PushOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Registry host that names the image (default when pushing: the account's ECR registry, from GetAuthorizationToken; needed by --no-push with --gitops-repo).",
        valueName: "host"))
    var registry: String?

    @Option(name: .long, help: ArgumentHelp(
        "Send registry traffic here instead (a VPC endpoint, a proxy); the image keeps its ECR name. Trust a private CA with --ca-file.",
        valueName: "url"))
    var registryEndpoint: String?

    @Option(name: .long, help: "Blobs uploaded at the same time.")
    var jobs = 4

    @Option(name: .long, help: ArgumentHelp(
        "Blobs larger than this go up in parts of this size, in MiB (5-100; ECR refuses parts under 5 MiB).", valueName: "MiB"))
    var chunkSize: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Temporary disk for a layer streamed while it is compressed, in MiB: past it, parts the registry has taken are freed and the compression waits for the upload (a 10 GB layer then needs about this much, not its compressed size); a broken upload then fails the push instead of starting over. Not applied with --output.",
        valueName: "MiB"))
    var spoolLimit = 1024

    @Option(name: .long, help: ArgumentHelp(
        "Blob-info cache: which blob each layer became, per registry and repository, so a repeat push compresses nothing the registry has (default: $XDG_CACHE_HOME/ecr-publish or ~/.cache/ecr-publish).",
        valueName: "dir"))
    var cacheDir: String?

    @Flag(name: .long, help: "Compress every layer: consult neither the blob-info cache nor the repository's previous image.")
    var noReuse = false

    func validate() throws {
        if let registryEndpoint, URL(string: registryEndpoint) == nil {
            throw ValidationError("--registry-endpoint takes an http(s) URL, not '\(registryEndpoint)'")
        }
    }

    /// Fills the registry part of the destination stage.
    func apply(to destination: inout DestinationStage) {
        destination.registry = registry
        destination.registryEndpoint = registryEndpoint.flatMap { URL(string: $0) }
        destination.jobs = jobs
        destination.chunkSize = chunkSize.map { Int64($0) << 20 }
        destination.spoolLimit = Int64(spoolLimit) << 20
        destination.cacheDirectory = cacheDir
        destination.reusesLayers = !noReuse
    }
}
