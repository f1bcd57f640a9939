import ArgumentParser
import Foundation
import OCI
import Publish

extension ECRPublish {
    struct SBOMCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sbom",
            abstract: "Write the SBOM of an image tarball (SPDX 2.3 or CycloneDX 1.6 JSON), without publishing it.",
            discussion: """
                Reads IMAGE.tar in one streaming pass, as publish does, and writes the SBOM of the \
                squashed image: OS packages (dpkg, apk, rpm) and language packages, with purls, \
                declared licenses and suppliers; packages an upper layer deleted are left out. \
                It hashes the layers but does not compress them, so the root package is versioned \
                by the manifest digest publish will push only when the tarball's layers are \
                already compressed; otherwise by the image ID (the config digest). \
                --exact-digest compresses them as publish would, to name the pushed manifest \
                digest (slower). A multi-platform image gets one SBOM per platform (FILE-os-arch.json).
                """
        )

        @Argument(help: "The image tarball: docker save output, an OCI archive, or either gzipped; - for standard input.")
        var image: String

        @Option(name: [.customLong("image")], help: "Which image of a tarball holding several (a RepoTag, ref name or digest).")
        var imageReference: String?

        @Option(name: .long, help: ArgumentHelp("Only this platform of a multi-platform image.", valueName: "os/arch[/variant]"))
        var platform: String?

        @Option(name: .long, help: "spdx-json or cyclonedx-json.")
        var format: SBOMFormat = .spdxJSON

        @Option(name: .long, help: ArgumentHelp("The SBOM file to write.", valueName: "file"))
        var output: String

        @Option(name: .long, help: "The image's name in the SBOM (the ECR repository, e.g. team/app); default: the tarball's name for it.")
        var repository: String?

        @Option(name: .long, help: ArgumentHelp(
            "Who supplies the image (NTIA): 'Organization: NAME (email)' or 'Person: NAME'.", valueName: "supplier"))
        var sbomSupplier: String?

        @Flag(name: .long, help: "Compress the layers as publish would, to name the manifest digest it pushes (default: the image ID when the layers are uncompressed).")
        var exactDigest = false

        @Option(name: .long, help: ArgumentHelp("With --exact-digest: the gzip level publish will use (the manifest digest depends on it).", valueName: "level"))
        var compressionLevel = BuildStage.defaultCompressionLevel

        @Flag(name: .long, help: "Print the report as JSON on standard output.")
        var json = false

        func run() async throws {
            var run = SBOMRun(imagePath: image, output: output)
            run.name = repository
            run.imageReference = imageReference
            if let platform {
                guard let parsed = Platform(parsing: platform) else {
                    throw PublishError.invalidOption("--platform takes os/arch[/variant] (e.g. linux/arm64), not '\(platform)'")
                }
                run.platform = parsed
            }
            run.compressionLevel = compressionLevel
            run.exactDigest = exactDigest
            run.step = try SBOMOptions.step(formats: [format], supplier: sbomSupplier)
            let reports = try await run.run()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try encoder.encode(reports) + Data("\n".utf8))
            } else {
                print(TerminalSafe.text(TextReporter.render(reports)))
            }
        }
    }
}
