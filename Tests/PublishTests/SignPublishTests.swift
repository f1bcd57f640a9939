import Foundation
import OCI
import Testing
import TestSupport

/// `publish --sign-key` against the test world (distribution 2.8 with TLS and htpasswd, moto
/// with signature checks): cosign's `.sig` and `.att` images and the SBOM referrer, read back
/// with skopeo and checked with openssl and securesystemslib, which nobody here wrote.
@Suite(.serialized) struct SignPublishTests {
    static let passphrase = "sign-\(UUID().uuidString)"

    /// A cosign key pair from `generate-key-pair` in `directory`: `PREFIX.key`, `PREFIX.pub`.
    static func keyPair(_ directory: TemporaryDirectory, prefix: String = "cosign") throws -> (key: String, pub: String) {
        SecretLedger.record(passphrase)
        let path = directory.file(prefix)
        try Tool.check(Paths.executable, ["generate-key-pair", "--output-prefix", path], environment: ["COSIGN_PASSWORD": passphrase])
        return (path + ".key", path + ".pub")
    }

    static func push(_ image: String, repository: String, _ extra: [String], endpoint: String? = nil,
                     environment: [String: String] = [:]) throws -> ToolResult {
        let result = try PublishPushTests.push(image, repository: repository, extra, endpoint: endpoint,
                                               environment: ["COSIGN_PASSWORD": passphrase].merging(environment) { $1 })
        SecretScan.check(result, against: [passphrase])
        return result
    }

    /// The raw manifest skopeo reads for `reference` (`repo:tag` or `repo@digest`).
    static func skopeoRaw(_ reference: String) throws -> [String: Any] {
        let registry = try PublishPushTests.world.get().registry
        let raw = try Tool.check("skopeo", ["inspect", "--raw"] + registry.skopeoInspectOptions + [registry.dockerReference(reference)])
        return try #require(try JSONSerialization.jsonObject(with: raw.stdoutData) as? [String: Any])
    }

    /// Copies `reference` with skopeo into an OCI layout (digests preserved) and returns a
    /// reader of its blobs.
    static func skopeoCopy(_ reference: String, into directory: TemporaryDirectory) throws -> (String) throws -> Data {
        let registry = try PublishPushTests.world.get().registry
        try Tool.check("skopeo", ["copy", "-q", "--preserve-digests"] + registry.skopeoSourceOptions
            + [registry.dockerReference(reference), "oci:\(directory.path)/copy:x"])
        return { digest in
            try Data(contentsOf: URL(fileURLWithPath: directory.path + "/copy/blobs/sha256/" + digest.replacingOccurrences(of: "sha256:", with: "")))
        }
    }

    /// `publish --no-push` of `image` as `team/app:TAG` signed with `key`, into `output`.
    static func publishLocally(_ image: String, output: String, key: String, tag: String) throws -> ToolResult {
        let result = try Tool.run(Paths.executable, [
            "publish", image, "--repository", "team/app", "--no-push", "--output", output,
            "--registry", PublishPushTests.ecrRegistry, "--tag", tag, "--sign-key", key, "--json",
        ], environment: ["COSIGN_PASSWORD": passphrase])
        SecretScan.check(result, against: [passphrase])
        return result
    }

    static func layers(_ manifest: [String: Any]) -> [[String: Any]] { manifest["layers"] as? [[String: Any]] ?? [] }

    @Test func theSignatureTheAttestationAndTheReferrerAreThereAndVerifyWithOthersTools() throws {
        let directory = try TemporaryDirectory("sign-publish")
        let (key, pub) = try Self.keyPair(directory)
        let result = try Self.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/signed",
                                   ["--tag", "v1", "--sign-key", key, "--sign-annotation", "commit=abc123", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try PublishPushTests.report(result)
        let digest = try #require((report["manifest"] as? [String: Any])?["digest"] as? String)
        let hex = String(digest.dropFirst("sha256:".count))
        let identity = "\(PublishPushTests.ecrRegistry)/team/signed"
        let signing = try #require(report["signing"] as? [String: Any])
        #expect(signing["identity"] as? String == identity && signing["keyKind"] as? String == "file")

        // The signature: skopeo reads it; openssl verifies the payload pulled from the registry.
        let sig = try Self.skopeoRaw("team/signed:sha256-\(hex).sig")
        let sigLayer = try #require(Self.layers(sig).first)
        #expect(sigLayer["mediaType"] as? String == "application/vnd.dev.cosign.simplesigning.v1+json")
        let blob = try Self.skopeoCopy("team/signed:sha256-\(hex).sig", into: try TemporaryDirectory("sig-copy"))
        let payload = try blob(try #require(sigLayer["digest"] as? String))
        try payload.write(to: URL(fileURLWithPath: directory.file("payload.json")))
        let annotation = try #require((sigLayer["annotations"] as? [String: String])?["dev.cosignproject.cosign/signature"])
        try #require(Data(base64Encoded: annotation)).write(to: URL(fileURLWithPath: directory.file("sig.der")))
        try Tool.check("openssl", ["dgst", "-sha256", "-verify", pub, "-signature", directory.file("sig.der"), directory.file("payload.json")])
        let claims = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        let critical = try #require(claims["critical"] as? [String: Any])
        #expect((critical["image"] as? [String: String])?["docker-manifest-digest"] == digest)
        #expect((critical["identity"] as? [String: String])?["docker-reference"] == identity)
        #expect((claims["optional"] as? [String: String]) == ["commit": "abc123"])

        // The attestation: a DSSE envelope securesystemslib verifies, about this image.
        let att = try Self.skopeoRaw("team/signed:sha256-\(hex).att")
        let attLayer = try #require(Self.layers(att).first)
        #expect((attLayer["annotations"] as? [String: String])?["predicateType"] == "https://spdx.dev/Document")
        let attBlob = try Self.skopeoCopy("team/signed:sha256-\(hex).att", into: try TemporaryDirectory("att-copy"))
        let envelope = try attBlob(try #require(attLayer["digest"] as? String))
        try envelope.write(to: URL(fileURLWithPath: directory.file("envelope.json")))
        try Tool.check("python3", [Paths.repositoryRoot + "/Tests/Crypto/independent.py", "verify-dsse", directory.file("envelope.json"), pub])
        let envelopeObject = try #require(try JSONSerialization.jsonObject(with: envelope) as? [String: Any])
        let statementBytes = try #require(Data(base64Encoded: envelopeObject["payload"] as? String ?? ""))
        let statement = try #require(try JSONSerialization.jsonObject(with: statementBytes) as? [String: Any])
        let subject = try #require((statement["subject"] as? [[String: Any]])?.first)
        #expect(subject["name"] as? String == identity && (subject["digest"] as? [String: String])?["sha256"] == hex)
        #expect((statement["predicate"] as? [String: Any])?["spdxVersion"] as? String == "SPDX-2.3")

        // The referrer: distribution 2.8 has no referrers API, so the tag schema's index.
        let index = try Self.skopeoRaw("team/signed:sha256-\(hex)")
        let entry = try #require((index["manifests"] as? [[String: Any]])?.first)
        #expect(entry["artifactType"] as? String == "application/spdx+json")
        let referrer = try Self.skopeoRaw("team/signed@\(try #require(entry["digest"] as? String))")
        #expect(referrer["artifactType"] as? String == "application/spdx+json")
        #expect((referrer["subject"] as? [String: Any])?["digest"] as? String == digest)
        #expect((referrer["config"] as? [String: Any])?["mediaType"] as? String == "application/vnd.oci.empty.v1+json")

        // The same key again adds nothing; another key appends a second signature.
        let again = try Self.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/signed",
                                  ["--tag", "v1", "--sign-key", key, "--sign-annotation", "commit=abc123", "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let destinations = try #require((try PublishPushTests.report(again)["signing"] as? [String: Any])?["destinations"] as? [[String: Any]])
        #expect((destinations.first?["signature"] as? [String: Any])?["outcome"] as? String == "already-there")
        #expect(Self.layers(try Self.skopeoRaw("team/signed:sha256-\(hex).sig")).count == 1)
        let (otherKey, otherPub) = try Self.keyPair(directory, prefix: "other")
        let other = try Self.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/signed",
                                  ["--tag", "v1", "--sign-key", otherKey, "--sign-annotation", "commit=abc123"])
        #expect(other.status == 0, "\(other.stderr)")
        let both = Self.layers(try Self.skopeoRaw("team/signed:sha256-\(hex).sig"))
        #expect(both.count == 2)
        // The second layer is the other key's: openssl says so.
        let second = try #require(both.last)
        let secondSignature = (second["annotations"] as? [String: String])?["dev.cosignproject.cosign/signature"] ?? ""
        try #require(Data(base64Encoded: secondSignature)).write(to: URL(fileURLWithPath: directory.file("sig2.der")))
        try Tool.check("openssl", ["dgst", "-sha256", "-verify", otherPub, "-signature", directory.file("sig2.der"), directory.file("payload.json")])
    }

    @Test func withNoPushTheLayoutHoldsTheSignatureImagesSkopeoReads() throws {
        let directory = try TemporaryDirectory("sign-layout")
        let (key, pub) = try Self.keyPair(directory)
        let output = directory.file("out")
        let result = try Self.publishLocally(Paths.fixtureImage("sample-docker-oci.tar"), output: output, key: key, tag: "1.0")
        #expect(result.status == 0, "\(result.stderr)")
        let digest = try #require((try PublishPushTests.report(result)["manifest"] as? [String: Any])?["digest"] as? String)
        let hex = String(digest.dropFirst("sha256:".count))
        for tag in ["1.0", "sha256-\(hex).sig", "sha256-\(hex).att", "sha256-\(hex)"] {
            try Tool.check("skopeo", ["inspect", "--raw", "oci:\(output)/image:\(tag)"])
        }
        let sig = try #require(try JSONSerialization.jsonObject(
            with: Tool.check("skopeo", ["inspect", "--raw", "oci:\(output)/image:sha256-\(hex).sig"]).stdoutData) as? [String: Any])
        let layer = try #require(Self.layers(sig).first)
        let payload = output + "/image/blobs/sha256/" + (layer["digest"] as! String).dropFirst("sha256:".count)
        try #require(Data(base64Encoded: (layer["annotations"] as! [String: String])["dev.cosignproject.cosign/signature"]!))
            .write(to: URL(fileURLWithPath: directory.file("sig.der")))
        try Tool.check("openssl", ["dgst", "-sha256", "-verify", pub, "-signature", directory.file("sig.der"), payload])

        // A second run with another key keeps the first signature of the layout it replaces.
        let (otherKey, _) = try Self.keyPair(directory, prefix: "other")
        let again = try Self.publishLocally(Paths.fixtureImage("sample-docker-oci.tar"), output: output, key: otherKey, tag: "1.0")
        #expect(again.status == 0, "\(again.stderr)")
        let both = try #require(try JSONSerialization.jsonObject(
            with: Tool.check("skopeo", ["inspect", "--raw", "oci:\(output)/image:sha256-\(hex).sig"]).stdoutData) as? [String: Any])
        #expect(Self.layers(both).count == 2)
        #expect(Self.layers(both).first?["digest"] as? String == layer["digest"] as? String)
    }

    @Test func aWrongPassphraseStopsTheRunBeforeAnythingIsPushed() throws {
        let directory = try TemporaryDirectory("sign-wrong")
        let (key, _) = try Self.keyPair(directory)
        let result = try Self.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/never", ["--tag", "x", "--sign-key", key],
                                   environment: ["COSIGN_PASSWORD": "not-the-passphrase"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(!result.stderr.contains("uploaded"))
        let registry = try PublishPushTests.world.get().registry
        #expect(try Tool.run("skopeo", ["inspect", "--raw"] + registry.skopeoInspectOptions + [registry.dockerReference("team/never:x")]).status != 0)
        // The key is opened while the setup reads (STS, the registry's token), but awaited before
        // the first write: the repository --create-repository asks for was not made either.
        let home = try TemporaryDirectory("sign-wrong-home")
        let moto = try PublishPushTests.world.get().moto
        #expect { _ = try moto.aws(["ecr", "describe-repositories", "--repository-names", "team/never"], home: home.path) } throws: { error in
            "\(error)".contains("RepositoryNotFoundException")
        }
    }
}

extension SignPublishTests {
    /// With --no-push the key opens beside the pass (it is needed only after it): a wrong
    /// passphrase still ends the run with the key's error, and leaves the layout already in
    /// the output directory as it was.
    @Test func aWrongPassphraseWithNoPushLeavesTheLayoutAsItWas() throws {
        let directory = try TemporaryDirectory("sign-wrong-local")
        let (key, _) = try Self.keyPair(directory)
        let output = directory.file("out")
        let image = Paths.fixtureImage("sample-docker-oci.tar")
        let first = try Self.publishLocally(image, output: output, key: key, tag: "1.0")
        #expect(first.status == 0, "\(first.stderr)")
        let before = try Tool.check("find", [output, "-type", "f", "-newer", key]).stdout

        let result = try Tool.run(Paths.executable, [
            "publish", image, "--repository", "team/app", "--no-push", "--output", output,
            "--registry", PublishPushTests.ecrRegistry, "--tag", "2.0", "--sign-key", key,
        ], environment: ["COSIGN_PASSWORD": "not-the-passphrase"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("passphrase"), "\(result.stderr)")
        #expect(!result.stderr.lowercased().contains("cancel"), "\(result.stderr)")
        #expect(try Tool.check("find", [output, "-type", "f", "-newer", key]).stdout == before)
        #expect(try Tool.check("ls", ["-A", output]).stdout.split(separator: "\n").allSatisfy { !$0.hasPrefix(".image.partial") })
    }

    /// ECR rewrites no tag in an immutable repository, and cosign rewrites `.sig` on every
    /// signing: without a `sha256-*` exclusion the tags are left alone, the fix is named, and
    /// the SBOM referrer is still stored; with the exclusion the tags are written.
    @Test func immutableRepositoriesGetNoCosignTagsUnlessSha256IsExcluded() throws {
        let directory = try TemporaryDirectory("sign-immutable")
        let (key, _) = try Self.keyPair(directory)
        let image = Paths.fixtureImage("sample-docker-classic.tar")
        let locked = try Self.push(image, repository: "team/locked-signed",
                                   ["--tag", "1.0.0", "--tag-mutability", "IMMUTABLE", "--sign-key", key, "--json"])
        #expect(locked.status == 0, "\(locked.stderr)")
        let report = try PublishPushTests.report(locked)
        let digest = try #require((report["manifest"] as? [String: Any])?["digest"] as? String)
        let hex = String(digest.dropFirst("sha256:".count))
        let signing = try #require(report["signing"] as? [String: Any])
        let notes = try #require(signing["notes"] as? [String])
        #expect(notes.contains { $0.contains("IMMUTABLE_WITH_EXCLUSION") && $0.contains("sha256-*") }, "\(notes)")
        let destination = try #require((signing["destinations"] as? [[String: Any]])?.first)
        #expect((destination["signature"] as? [String: Any])?["outcome"] as? String == "untagged")
        let registry = try PublishPushTests.world.get().registry
        for tag in ["sha256-\(hex).sig", "sha256-\(hex).att", "sha256-\(hex)"] {
            let read = try Tool.run("skopeo", ["inspect", "--raw"] + registry.skopeoInspectOptions + [registry.dockerReference("team/locked-signed:\(tag)")])
            #expect(read.status != 0, "\(tag) was written")
        }
        // The referrer artifact is stored all the same, by digest, naming the image.
        let referrer = try #require((destination["referrers"] as? [[String: Any]])?.first)
        #expect(referrer["discovery"] as? String == "untagged")
        let stored = try Self.skopeoRaw("team/locked-signed@\(try #require(referrer["manifest"] as? String))")
        #expect((stored["subject"] as? [String: Any])?["digest"] as? String == digest)

        let excluded = try Self.push(image, repository: "team/excluded-signed",
                                     ["--tag", "1.0.0", "--tag-mutability", "IMMUTABLE_WITH_EXCLUSION", "--mutability-exclusion", "sha256-*",
                                      "--sign-key", key, "--json"])
        #expect(excluded.status == 0, "\(excluded.stderr)")
        #expect(((try PublishPushTests.report(excluded)["signing"] as? [String: Any])?["notes"] as? [String])?.isEmpty == true)
        for tag in ["sha256-\(hex).sig", "sha256-\(hex).att", "sha256-\(hex)"] {
            _ = try Self.skopeoRaw("team/excluded-signed:\(tag)")
        }
    }
}

extension SignPublishTests {
    /// Signing flags that cannot work stop the run at once with exit 2 and say why.
    @Test func unusableSigningFlagsAreUsageErrors() throws {
        let directory = try TemporaryDirectory("sign-usage")
        let (key, _) = try Self.keyPair(directory)
        try Tool.check("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", directory.file("rsa.pem")])
        let image = Paths.fixtureImage("sample-docker-classic.tar")
        let output = directory.file("out")
        let cases: [(arguments: [String], says: String)] = [
            (["--sign-key", key], "--registry HOST"),
            (["--registry", PublishPushTests.ecrRegistry, "--sign-key", directory.file("rsa.pem")], "P-256"),
            (["--registry", PublishPushTests.ecrRegistry, "--sign-key", directory.file("absent.key")], "cannot read"),
            (["--registry", PublishPushTests.ecrRegistry, "--sign-annotation", "a=b"], "--sign-key"),
            (["--registry", PublishPushTests.ecrRegistry, "--sign-key", key, "--sign-annotation", "novalue"], "KEY=VALUE"),
        ]
        for (arguments, says) in cases {
            let result = try Tool.run(Paths.executable, ["publish", image, "--repository", "team/app", "--no-push", "--output", output] + arguments,
                                      environment: ["COSIGN_PASSWORD": Self.passphrase])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(says), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output + "/image"), "\(arguments) wrote a layout")
        }
    }
}

extension SignPublishTests {
    /// A multi-platform image: the index is signed, and each platform's manifest gets the
    /// attestation of its own SBOM; verify checks every one.
    @Test func aMultiPlatformImageGetsOneSignatureAndAnAttestationPerPlatform() throws {
        let directory = try TemporaryDirectory("sign-multi")
        let (key, pub) = try Self.keyPair(directory)
        let result = try Self.push(Paths.fixtureImage("multi-arch-oci.tar"), repository: "team/multi-signed",
                                   ["--tag", "m", "--sign-key", key, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try PublishPushTests.report(result)
        let digest = try #require((report["manifest"] as? [String: Any])?["digest"] as? String)
        let platforms = try #require(report["images"] as? [[String: Any]]).compactMap { ($0["manifest"] as? [String: Any])?["digest"] as? String }
        #expect(platforms.count > 1)
        _ = try Self.skopeoRaw("team/multi-signed:sha256-\(digest.dropFirst("sha256:".count)).sig")
        for platform in platforms {
            let att = try Self.skopeoRaw("team/multi-signed:sha256-\(platform.dropFirst("sha256:".count)).att")
            #expect(Self.layers(att).count == 1)
        }
        let verified = try SignVerifyTests.run(["verify", "team/multi-signed:m", "--key", pub, "--require-attestation", "--json"])
        #expect(verified.status == 0, "\(verified.stderr)")
        let subjects = try #require(try PublishPushTests.report(verified)["attestations"] as? [[String: Any]]).compactMap { $0["subject"] as? String }
        #expect(Set(subjects) == Set(platforms))
    }

    /// Signing that fails after the image is pushed (here: the `.sig` tag holds an index, not
    /// a signature image) leaves the push reported and exits 7, the signing stage under failures.
    @Test func aSigningFailureAfterThePushIsAPartialSuccess() throws {
        let world = try PublishPushTests.world.get()
        let directory = try TemporaryDirectory("sign-partial")
        let (key, _) = try Self.keyPair(directory)
        let image = Paths.fixtureImage("sample-docker-classic.tar")
        let expected = try PublishPushTests.localDigest(image)
        let multi = try Self.push(Paths.fixtureImage("multi-arch-oci.tar"), repository: "team/partial-signed", ["--tag", "other"])
        #expect(multi.status == 0, "\(multi.stderr)")
        try Tool.check("skopeo", ["copy", "-q", "--all", "--preserve-digests"] + world.registry.skopeoSourceOptions
            + ["--dest-creds", "\(world.registry.username):\(world.registry.password)", "--dest-cert-dir", world.registry.certDirectory,
               world.registry.dockerReference("team/partial-signed:other"),
               world.registry.dockerReference("team/partial-signed:sha256-\(expected.dropFirst("sha256:".count)).sig")])
        let result = try Self.push(image, repository: "team/partial-signed", ["--tag", "s1", "--sign-key", key, "--json"])
        #expect(result.status == 7, "\(result.stderr)")
        let report = try PublishPushTests.report(result)
        #expect(report["pushed"] as? Bool == true)
        #expect((report["failures"] as? [[String: Any]])?.map { $0["stage"] as? String } == ["signing"])
        #expect(report["signing"] == nil, "nothing was signed anywhere")
        #expect(result.stderr.contains("not an image manifest"), "\(result.stderr)")
        #expect(try PublishPushTests.skopeoDigest("team/partial-signed:s1") == expected)
    }
}

extension SignPublishTests {
    /// Two SBOM formats in one run: both attestations land in the one `.att` (the second
    /// extends what the first wrote, its read not served from before the first), and both
    /// referrers in the tag schema's index.
    @Test func twoSBOMFormatsMakeTwoAttestationsAndTwoReferrers() throws {
        let directory = try TemporaryDirectory("sign-two-formats")
        let (key, pub) = try Self.keyPair(directory)
        let result = try Self.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/formats",
                                   ["--tag", "f1", "--sign-key", key, "--sbom-format", "spdx-json", "--sbom-format", "cyclonedx-json", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let hex = try SignVerifyTests.digest(result).dropFirst("sha256:".count)
        let attestation = try Self.skopeoRaw("team/formats:sha256-\(hex).att")
        let types = Self.layers(attestation).compactMap { ($0["annotations"] as? [String: String])?["predicateType"] }
        #expect(Set(types) == ["https://spdx.dev/Document", "https://cyclonedx.org/bom"], "\(types)")
        let index = try Self.skopeoRaw("team/formats:sha256-\(hex)")
        let artifactTypes = (index["manifests"] as? [[String: Any]] ?? []).compactMap { $0["artifactType"] as? String }
        #expect(Set(artifactTypes) == ["application/spdx+json", "application/vnd.cyclonedx+json"], "\(artifactTypes)")
        let verified = try SignVerifyTests.run(["verify", "team/formats:f1", "--key", pub, "--require-attestation", "--json"])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect((try PublishPushTests.report(verified)["attestations"] as? [[String: Any]])?.first?["statements"] as? Int == 2)
    }
}
