import ArgumentParser
import Foundation
import Publish
import Signing

extension ECRPublish {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check an image's cosign signature and SBOM attestation with a public key.",
            discussion: """
                IMAGE is an image in the registry ([HOST/]REPOSITORY:TAG or @sha256:…; ECR \
                credentials as for publish) or an OCI layout written by publish --no-push \
                (DIR/image, DIR/image:TAG; then --registry and --repository name the image). \
                Checks, as cosign verify --key and verify-attestation do: each payload's digest, \
                the signature under the key, the payload type, docker-manifest-digest = the \
                image's digest, docker-reference = the repository; for attestations the DSSE \
                signature, the in-toto statement and its subject. Exits 6 with the reason on any \
                mismatch, 0 when the image verifies.
                """)

        @Argument(help: "The image: REPOSITORY:TAG, HOST/REPOSITORY@sha256:…, or an OCI layout DIR/image[:TAG].")
        var image: String

        @Option(name: .long, help: ArgumentHelp("The public key: a PEM file (cosign.pub) or awskms:///alias/NAME, awskms:///arn:….", valueName: "key"))
        var key: String

        @Option(name: .long, help: "For a layout: the repository the signature must name.")
        var repository: String?

        @Flag(name: .long, help: "Fail when the image has no attestation.")
        var requireAttestation = false

        @OptionGroup(title: "Registry options")
        var registry: RegistryAccessOptions

        @OptionGroup(title: "AWS options")
        var aws: AWSOptions

        @Flag(name: .long, help: "Print the result as one JSON object.")
        var json = false

        func run() async throws {
            var run = VerifyRun(target: try SigningTarget(parsing: image), key: try KeyReference(parsing: key))
            run.repository = repository
            run.requireAttestation = requireAttestation
            registry.apply(to: &run.destination)
            aws.apply(to: &run.aws)
            let result = try await run.run()
            if json {
                try JSONOutput.write(result)
                return
            }
            print("verified  \(result.identity)@\(result.digest)")
            print("signature \(result.validSignatures) of \(result.signatureLayers) signatures verify with the key (\(result.signature))")
            for attestation in result.attestations {
                print("attest    \(attestation.statements) statements (\(attestation.predicateTypes.joined(separator: ", "))) about \(attestation.subject)")
            }
            if result.attestations.isEmpty { print("attest    none") }
            for referrer in result.referrers { print("referrer  \(referrer)") }
        }
    }
}
