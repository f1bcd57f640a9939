import ArgumentParser
import Foundation
import OCI
import Publish

extension ECRPublish {
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read an image tarball and push it to ECR (or, with --no-push, write an OCI layout).",
            discussion: """
                Reads IMAGE.tar in one streaming pass: checks every layer against the image \
                config's diff_ids, gzip-compresses uncompressed layers deterministically (the same \
                input gives the same bytes and digests whatever --threads), and pushes the image to \
                the repository: blobs the registry lacks, then the manifest (an index for a \
                multi-platform image), then each --tag. With --output DIR, DIR/image is also written \
                as an OCI image layout that skopeo, crane and oras read; --no-push writes only that.
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

        @OptionGroup(title: "Tag options")
        var tagOptions: TagOptions

        @OptionGroup(title: "Push options")
        var push: PushOptions

        @OptionGroup(title: "Image options")
        var imageOptions: ImageOptions

        @OptionGroup(title: "Repository options")
        var repositoryOptions: RepositoryOptions

        @OptionGroup(title: "AWS options")
        var aws: AWSOptions

        @OptionGroup(title: "GitOps options")
        var gitops: GitOpsOptions

        @OptionGroup(title: "SBOM options")
        var sbom: SBOMOptions

        @OptionGroup(title: "Record options")
        var recordOptions: RecordOptions
        @OptionGroup(title: "Signing options")
        var signing: SigningOptions

        @Flag(name: .long, help: "Print the report as one JSON object on standard output.")
        var json = false

        @Option(name: .long, help: ArgumentHelp(
            "Progress on standard error: live lines per layer and upload, redrawn in place (tty), one line per finished blob (plain), or tty when standard error is a terminal and TERM is not dumb (auto).",
            valueName: "mode"))
        var progress: ProgressMode = .auto

        @Option(name: .long, help: ArgumentHelp(
            "Settings file (default: ECR_PUBLISH_CONFIG, else .ecr-publish.yml in the working directory when present). Flags and ECR_PUBLISH_* variables override it; see ecr-publish config show.",
            valueName: "file"))
        var config: String?

        @Option(name: .long, help: ArgumentHelp("Also write the JSON report (what --json prints) to this file, e.g. for Jenkins' readJSON.", valueName: "file"))
        var resultFile: String?

        func run() async throws {
            var options = PublishOptions(imagePath: image, repository: repository)
            options.input.imageReference = imageReference
            imageOptions.apply(to: &options.build)
            options.destination.noPush = noPush
            options.destination.outputDirectory = output
            push.apply(to: &options.destination)
            try repositoryOptions.apply(to: &options.repository)
            try tagOptions.apply(to: &options.tags)
            aws.apply(to: &options.aws)
            options.gitops = try gitops.step()
            options.sbom = try sbom.step()
            options.record = try recordOptions.step(noPush: noPush)
            options.signing = try signing.stage()
            // GitHub Actions: masks first, then outputs, summary and annotations (standard error).
            let github = GitHubActions()
            let secrets = [options.gitops?.configuration.token, ProcessInfo.processInfo.environment["COSIGN_PASSWORD"]]
            Self.printToStandardError(github.masks(secrets.compactMap { $0 }))
            let live = LiveProgress.start(progress)
            defer { live?.finish() }
            let lines: @Sendable (String) -> Void = { line in
                let line = TerminalSafe.text(line)
                if let live { live.print(line) } else { FileHandle.standardError.write(Data((line + "\n").utf8)) }
            }
            let events: (@Sendable (PublishEvent) -> Void)? = live.map { live in { @Sendable event in live.handle(event) } }
            let report = try await Pipeline(options: options, progress: lines, events: events).run()
            live?.finish()
            try github.write(report)
            Self.printToStandardError(github.annotations(for: report))
            if let resultFile { try ResultFile.write(report, to: resultFile) }
            if json {
                FileHandle.standardOutput.write(try ResultFile.encode(report))
            } else {
                print(TerminalSafe.text(TextReporter.render(report)))
            }
            // Pushed, but a later stage failed (the push record's sinks included): the report above says what is in the registry.
            if !report.failures.isEmpty { throw PublishError.partial(report.failures) }
        }

        static func printToStandardError(_ lines: [String]) {
            for line in lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
    }
}
