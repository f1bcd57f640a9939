import ArgumentParser
import Foundation
import OCI
import Publish

extension ECRPublish {
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read an image tarball and publish it (today: --no-push writes an OCI layout).",
            discussion: """
                Reads IMAGE.tar in one streaming pass: checks every layer against the image \
                config's diff_ids, gzip-compresses uncompressed layers deterministically (the same \
                input gives the same bytes and digests whatever --threads), and writes the image. \
                With --no-push everything is written under --output DIR: DIR/image is an OCI image \
                layout that skopeo, crane and oras read.
                """
        )

        @Argument(help: "The image tarball: docker save output, an OCI archive, or either gzipped; - for standard input.")
        var image: String

        @Option(name: .long, help: "The ECR repository name, e.g. team/app.")
        var repository: String

        @Flag(name: .long, help: "Push nothing: write every artifact under --output.")
        var noPush = false

        @Option(name: .long, help: "Directory for local artifacts (required with --no-push).")
        var output: String?

        @Option(name: [.customLong("image")], help: "Which image of a tarball holding several (a RepoTag, ref name or digest).")
        var imageReference: String?

        @Option(name: .long, help: "Tag for the image (repeatable). The first one names the image in the OCI layout.")
        var tag: [String] = []

        @OptionGroup(title: "Image options")
        var imageOptions: ImageOptions

        @OptionGroup(title: "Repository options")
        var repositoryOptions: RepositoryOptions

        @OptionGroup(title: "AWS options")
        var aws: AWSOptions

        @OptionGroup(title: "GitOps options")
        var gitops: GitOpsOptions

        @Option(name: .long, help: ArgumentHelp(
            "Registry host that image references name (needed by --no-push with --gitops-repo; when pushing, the account's ECR registry).",
            valueName: "host"))
        var registry: String?

        @Flag(name: .long, help: "Print the report as one JSON object on standard output.")
        var json = false

        func run() async throws {
            var options = PublishOptions(imagePath: image, repository: repository)
            options.noPush = noPush
            options.outputDirectory = output
            options.imageReference = imageReference
            options.tags = tag
            try imageOptions.apply(to: &options)
            try repositoryOptions.apply(to: &options)
            aws.apply(to: &options.aws)
            options.gitops = try gitops.step()
            options.registry = registry
            let report = try await Pipeline(options: options).run()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
            } else {
                print(TextReporter.render(report))
            }
        }
    }
}
