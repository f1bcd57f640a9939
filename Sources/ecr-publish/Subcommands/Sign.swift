import ArgumentParser
import Foundation
import Publish
import Signing

extension ECRPublish {
    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign an image already in the registry (cosign's .sig), and attest an SBOM of it.",
            discussion: """
                Writes what publish --sign-key writes, for an image pushed before: the \
                simple-signing payload signed with the key at sha256-<hex>.sig (another key's \
                signature is appended; the same key's again adds nothing), and with --sbom the \
                in-toto attestation at sha256-<hex>.att and the SBOM as an OCI 1.1 referrer. \
                In a repository whose tags are immutable with no sha256-* exclusion, the tags \
                are not written and the fix is shown.
                """)

        @Argument(help: "The image: REPOSITORY:TAG or [HOST/]REPOSITORY@sha256:….")
        var image: String

        @Option(name: .long, help: ArgumentHelp(
            "The key: a key file (cosign's format, PKCS#8 or SEC1 PEM; passphrase from COSIGN_PASSWORD) or awskms:///alias/NAME, awskms:///arn:….",
            valueName: "key"))
        var key: String

        @Option(name: .long, help: ArgumentHelp("An SPDX or CycloneDX JSON SBOM of the image to attest and attach.", valueName: "file"))
        var sbom: String?

        @Option(name: [.customShort("a"), .long], help: ArgumentHelp("An annotation in the signature's payload (repeatable).", valueName: "key=value"))
        var annotation: [String] = []

        @OptionGroup(title: "Registry options")
        var registry: RegistryAccessOptions

        @OptionGroup(title: "AWS options")
        var aws: AWSOptions

        @Flag(name: .long, help: "Print the result as one JSON object.")
        var json = false

        func run() async throws {
            var stage = SigningStage(key: try KeyReference(parsing: key), passphrase: Passphrase.forExistingKey)
            for text in annotation {
                let (name, value) = try SigningStage.annotation(text)
                stage.annotations[name] = value
            }
            var run = SignRun(target: try SigningTarget(parsing: image), stage: stage)
            run.sbomFile = sbom
            run.warn = { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }
            registry.apply(to: &run.destination)
            aws.apply(to: &run.aws)
            let result = try await run.run()
            if json {
                try JSONOutput.write(result)
            } else {
                print(TerminalSafe.text(TextReporter.render(result)))
            }
        }
    }
}
