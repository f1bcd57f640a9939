import ArgumentParser
import Foundation
import GitOps
import OCI
import Publish

extension ECRPublish {
    struct GitOpsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gitops",
            abstract: "Update a GitOps repository on its own.",
            subcommands: [Update.self])
    }
}

extension ECRPublish.GitOpsCommand {
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pin an image in a GitOps repository (Kubernetes workloads, kustomization, Helm values, Flux markers).",
            discussion: """
                Clones the repository (shallow), changes only the image values, commits and pushes. When another \
                pipeline pushes first, it fetches, re-applies the edit and pushes again. Nothing to change is \
                success without a commit. Comments, quotes and layout stay byte for byte.
                """)

        @Option(name: .long, help: ArgumentHelp("The image: REGISTRY/REPOSITORY:TAG@sha256:DIGEST.", valueName: "reference"))
        var image: String

        @OptionGroup(title: "GitOps options")
        var gitops: GitOpsOptions

        @Flag(name: .long, help: "Commit and push nothing: print the diff (and write OUTPUT/gitops.patch with --output).")
        var noPush = false

        @Option(name: .long, help: "Directory for gitops.patch.")
        var output: String?

        @Flag(name: .long, help: "Print the result as one JSON object.")
        var json = false

        func run() async throws {
            guard let reference = ImageReference(parsing: image), let digest = reference.digest else {
                throw PublishError.invalidOption("--image must be REGISTRY/REPOSITORY[:TAG]@sha256:DIGEST, not '\(image)'")
            }
            guard let step = try gitops.step() else {
                throw PublishError.invalidOption("gitops update needs --gitops-repo")
            }
            let result = try await step.run(image: reference, tag: reference.tag, digest: digest, dryRun: noPush, patchDirectory: output)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try encoder.encode(result) + Data("\n".utf8))
                return
            }
            print(GitOpsTextReport.lines(result, dryRun: noPush).joined(separator: "\n"))
        }
    }
}
