import ArgumentParser
import Foundation
import Publish

/// `ecr-publish`: the container release step, from image tarball to ECR.
@main
struct ECRPublish: AsyncParsableCommand {
    static let version = ECRPublishVersion.current

    static let configuration = CommandConfiguration(
        commandName: "ecr-publish",
        abstract: "Publish a locally built image tarball to Amazon ECR in one streaming pass.",
        discussion: """
            Reads the output of `docker save` (classic or Docker 25+), an OCI archive, or \
            either gzip-compressed; computes every digest; compresses layers deterministically; \
            and writes the image. See README.md for exit codes and examples.
            """,
        version: version,
        subcommands: [Publish.self, Tags.self, SBOMCommand.self, Whoami.self, GitOpsCommand.self, GenerateKeyPair.self, Sign.self, Verify.self, RecordCommand.self, ConfigCommand.self]
    )

    static func main() async {
        do {
            var command = try parseAsRoot(ConfigResolution.commandLine(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withFailure: error)
        }
    }

    /// Prints the error and exits with the documented status (see ``ExitStatus``).
    static func exit(withFailure error: any Error) -> Never {
        if let status = ExitStatus(error: error) {
            let location = (error as? ConfigError)?.location
            if let annotation = GitHubActions().failureAnnotation(TerminalSafe.text(ExitStatus.message(for: error)), file: location?.path, line: location?.line) {
                FileHandle.standardError.write(Data((annotation + "\n").utf8))
            }
            // Messages name what the inputs named (members, tags): printed without control characters.
            FileHandle.standardError.write(Data("error: \(TerminalSafe.text(ExitStatus.message(for: error)))\n".utf8))
            Foundation.exit(status.rawValue)
        }
        // Argument parsing errors, --help and --version: ArgumentParser prints them.
        let code = exitCode(for: error)
        if code == .success {
            self.exit(withError: error)
        }
        if let annotation = GitHubActions().failureAnnotation(message(for: error)) {
            FileHandle.standardError.write(Data((annotation + "\n").utf8))
        }
        FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
        Foundation.exit(code == .validationFailure ? ExitStatus.usage.rawValue : ExitStatus.internalError.rawValue)
    }
}
