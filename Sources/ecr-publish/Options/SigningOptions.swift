import ArgumentParser
import Foundation
import Publish
import Signing

/// Signing in `publish` (`--sign-key`): cosign's signature, the SBOM attestation and the
/// SBOM as an OCI 1.1 referrer.
struct SigningOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Sign the image (cosign's .sig at sha256-<hex>.sig) and attest its SBOM (.att) with this key: a key file (cosign's encrypted format, PKCS#8 or SEC1 PEM; passphrase from COSIGN_PASSWORD or asked on a terminal) or awskms:///alias/NAME, awskms:///arn:….",
        valueName: "key"))
    var signKey: String?

    @Option(name: .long, help: ArgumentHelp("An annotation in the signature's payload (repeatable), as cosign sign -a.", valueName: "key=value"))
    var signAnnotation: [String] = []

    @Flag(name: .long, help: "Sign, but attest no SBOM (no .att).")
    var noAttest = false

    @Flag(name: .long, help: "Attach no SBOM referrer artifact (OCI 1.1 subject).")
    var noReferrers = false

    func validate() throws {
        if signKey == nil, !signAnnotation.isEmpty || noAttest || noReferrers {
            throw ValidationError("--sign-annotation, --no-attest and --no-referrers need --sign-key")
        }
        for annotation in signAnnotation where annotation.firstIndex(of: "=").map({ $0 == annotation.startIndex }) ?? true {
            throw ValidationError("--sign-annotation takes KEY=VALUE, not '\(annotation.prefix(100))'")
        }
    }

    /// The signing stage, or nil without --sign-key.
    func stage() throws -> SigningStage? {
        guard let signKey else { return nil }
        var stage = SigningStage(key: try KeyReference(parsing: signKey), passphrase: Passphrase.forExistingKey)
        for text in signAnnotation {
            let (key, value) = try SigningStage.annotation(text)
            stage.annotations[key] = value
        }
        stage.attest = !noAttest
        stage.referrers = !noReferrers
        return stage
    }
}

extension Passphrase {
    /// The passphrase of an encrypted key file: COSIGN_PASSWORD, else asked once on a terminal.
    @Sendable static func forExistingKey() throws -> [UInt8] {
        if let value = ProcessInfo.processInfo.environment["COSIGN_PASSWORD"] { return Array(value.utf8) }
        guard isatty(STDIN_FILENO) == 1 else { throw KeyCommandError.noPassphrase }
        return prompt("Enter password for private key: ")
    }
}

/// The registry `sign` and `verify` talk to (ECR's credentials from GetAuthorizationToken).
struct RegistryAccessOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Registry host that names the image (default: the host in IMAGE, else the account's ECR registry).", valueName: "host"))
    var registry: String?

    @Option(name: .long, help: ArgumentHelp(
        "Send registry traffic here instead (a VPC endpoint, a proxy); the image keeps its ECR name.", valueName: "url"))
    var registryEndpoint: String?

    func validate() throws {
        if let registryEndpoint, URL(string: registryEndpoint)?.host == nil {
            throw ValidationError("--registry-endpoint takes an http(s) URL, not '\(registryEndpoint)'")
        }
    }

    func apply(to destination: inout DestinationStage) {
        destination.registry = registry
        destination.registryEndpoint = registryEndpoint.flatMap { URL(string: $0) }
    }
}

/// `--json` output of `sign` and `verify`: one pretty-printed object with sorted keys.
enum JSONOutput {
    static func write<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
    }
}
