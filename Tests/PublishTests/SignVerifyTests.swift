import Foundation
import Testing
import TestSupport

/// `ecr-publish verify` and `ecr-publish sign` through the executable, against the test
/// world: what publish signed verifies in the registry and in the layout; every kind of
/// mismatch is exit 6 with its reason.
@Suite(.serialized) struct SignVerifyTests {
    static let ecrRegistry = PublishPushTests.ecrRegistry

    /// Runs `ecr-publish ARGUMENTS` with moto's credentials and the test registry.
    static func run(_ arguments: [String], registryOptions: Bool = true, endpoint: String? = nil) throws -> ToolResult {
        let world = try PublishPushTests.world.get()
        let home = try TemporaryDirectory("verify-home")
        let extra = registryOptions ? ["--registry-endpoint", endpoint ?? world.registry.baseURL, "--ca-file", world.registry.caFile] : []
        let result = try Tool.run(Paths.executable, arguments + extra,
                                  environment: world.moto.environment(home: home.path, extra: ["COSIGN_PASSWORD": SignPublishTests.passphrase]),
                                  replacingEnvironment: true)
        SecretScan.check(result, against: [world.registry.password, SignPublishTests.passphrase, world.moto.secretAccessKey])
        return result
    }

    static func digest(_ result: ToolResult) throws -> String {
        try #require((try PublishPushTests.report(result)["manifest"] as? [String: Any])?["digest"] as? String)
    }

    @Test func whatPublishSignedVerifiesInTheRegistryAndInTheLayout() throws {
        let directory = try TemporaryDirectory("verify-ok")
        let (key, pub) = try SignPublishTests.keyPair(directory)
        let output = directory.file("out")
        let published = try SignPublishTests.push(Paths.fixtureImage("sample-oci-archive.tar"), repository: "team/verified",
                                                  ["--tag", "v2", "--sign-key", key, "--output", output, "--json"])
        #expect(published.status == 0, "\(published.stderr)")
        let digest = try Self.digest(published)

        for reference in ["team/verified:v2", "team/verified@\(digest)", "\(Self.ecrRegistry)/team/verified:v2"] {
            let verified = try Self.run(["verify", reference, "--key", pub, "--require-attestation", "--json"])
            #expect(verified.status == 0, "\(reference): \(verified.stderr)")
            let result = try PublishPushTests.report(verified)
            #expect(result["digest"] as? String == digest)
            #expect(result["identity"] as? String == "\(Self.ecrRegistry)/team/verified")
            #expect(result["validSignatures"] as? Int == 1)
            #expect((result["attestations"] as? [[String: Any]])?.first?["statements"] as? Int == 1)
            #expect(result["referrers"] as? [String] == ["application/spdx+json"])
        }
        // The layout written in the same run (--output with a push) carries the same artifacts.
        let layout = try Self.run(["verify", output + "/image:v2", "--key", pub, "--registry", Self.ecrRegistry,
                                   "--repository", "team/verified", "--require-attestation"], registryOptions: false)
        #expect(layout.status == 0, "\(layout.stderr)")
        #expect(layout.stdout.contains("verified  \(Self.ecrRegistry)/team/verified@\(digest)"))
        // A layout needs the name the signature must carry.
        let unnamed = try Self.run(["verify", output + "/image", "--key", pub], registryOptions: false)
        #expect(unnamed.status == 2, "\(unnamed.stderr)")
        #expect(unnamed.stderr.contains("--repository"))
    }

    @Test func verifyRefusesWrongKeyOtherRepositoryOtherDigestAndUnsignedImages() throws {
        let world = try PublishPushTests.world.get()
        let directory = try TemporaryDirectory("verify-refusals")
        let (key, pub) = try SignPublishTests.keyPair(directory)
        let signed = try SignPublishTests.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/refusals",
                                               ["--tag", "signed", "--sign-key", key, "--json"])
        #expect(signed.status == 0, "\(signed.stderr)")
        let unsigned = try SignPublishTests.push(Paths.fixtureImage("sample-oci-archive.tar"), repository: "team/refusals",
                                                 ["--tag", "unsigned", "--json"])
        #expect(unsigned.status == 0, "\(unsigned.stderr)")
        let signedHex = try Self.digest(signed).dropFirst("sha256:".count)
        let unsignedDigest = try Self.digest(unsigned)

        func refusal(_ arguments: [String]) throws -> String {
            let result = try Self.run(arguments)
            #expect(result.status == 6, "\(arguments): \(result.stderr)")
            return result.stderr
        }
        // A key that did not sign it.
        try Tool.check("bash", ["-c", "openssl ecparam -name prime256v1 -genkey -noout | openssl pkey -pubout -out '\(directory.file("wrong.pub"))'"])
        #expect(try refusal(["verify", "team/refusals:signed", "--key", directory.file("wrong.pub")]).contains("does not verify with the given key"))
        // No signature at all.
        #expect(try refusal(["verify", "team/refusals:unsigned", "--key", pub]).contains("unsigned"))
        // The signed image's signature copied (by skopeo) to the other image's .sig tag: it names another digest.
        try Tool.check("skopeo", ["copy", "-q", "--preserve-digests"] + world.registry.skopeoSourceOptions
            + ["--dest-creds", "\(world.registry.username):\(world.registry.password)", "--dest-cert-dir", world.registry.certDirectory,
               world.registry.dockerReference("team/refusals:sha256-\(signedHex).sig"),
               world.registry.dockerReference("team/refusals:sha256-\(unsignedDigest.dropFirst("sha256:".count)).sig")])
        #expect(try refusal(["verify", "team/refusals:unsigned", "--key", pub]).contains("is for sha256:\(signedHex)"))
        // The same signature checked as another repository's.
        try Tool.check("skopeo", ["copy", "-q", "--all", "--preserve-digests"] + world.registry.skopeoSourceOptions
            + ["--dest-creds", "\(world.registry.username):\(world.registry.password)", "--dest-cert-dir", world.registry.certDirectory,
               world.registry.dockerReference("team/refusals:signed"), world.registry.dockerReference("team/elsewhere:signed")])
        try Tool.check("skopeo", ["copy", "-q", "--preserve-digests"] + world.registry.skopeoSourceOptions
            + ["--dest-creds", "\(world.registry.username):\(world.registry.password)", "--dest-cert-dir", world.registry.certDirectory,
               world.registry.dockerReference("team/refusals:sha256-\(signedHex).sig"),
               world.registry.dockerReference("team/elsewhere:sha256-\(signedHex).sig")])
        #expect(try refusal(["verify", "team/elsewhere:signed", "--key", pub]).contains("names '\(Self.ecrRegistry)/team/refusals'"))
    }

    @Test func verifyRefusesAlteredPayloadsInALayout() throws {
        let directory = try TemporaryDirectory("verify-tamper")
        let (key, pub) = try SignPublishTests.keyPair(directory)
        let output = directory.file("out")
        let published = try SignPublishTests.publishLocally(Paths.fixtureImage("sample-docker-classic.tar"), output: output, key: key, tag: "1")
        #expect(published.status == 0, "\(published.stderr)")
        let verify = ["verify", output + "/image", "--key", pub, "--registry", Self.ecrRegistry, "--repository", "team/app"]
        #expect(try Self.run(verify, registryOptions: false).status == 0)
        let hex = try Self.digest(published).dropFirst("sha256:".count)
        // The payload's bytes changed in place: it no longer matches its digest.
        let tamper = Paths.repositoryRoot + "/Tests/Crypto/tamper_layout.py"
        try Tool.check("python3", [tamper, output + "/image", "sha256-\(hex).sig", "in-place"])
        let altered = try Self.run(verify, registryOptions: false)
        #expect(altered.status == 6 && altered.stderr.contains("does not match its digest"), "\(altered.stderr)")
        // Changed and re-hashed through the manifest and index: the signature no longer covers it.
        try Tool.check("python3", [tamper, output + "/image", "sha256-\(hex).sig", "rehash"])
        let rehashed = try Self.run(verify, registryOptions: false)
        #expect(rehashed.status == 6 && rehashed.stderr.contains("does not verify with the given key"), "\(rehashed.stderr)")
        // A payload file that is a symlink (to anywhere) is not read.
        try Tool.check("python3", [tamper, output + "/image", "sha256-\(hex).sig", "symlink"])
        let linked = try Self.run(verify, registryOptions: false)
        #expect(linked.status == 6 && linked.stderr.contains("not a regular file"), "\(linked.stderr)")
    }

    @Test func signSignsAnImageAlreadyPushedAndAttestsTheGivenSBOM() throws {
        let directory = try TemporaryDirectory("sign-command")
        let (key, pub) = try SignPublishTests.keyPair(directory)
        let output = directory.file("out")
        let pushed = try SignPublishTests.push(Paths.fixtureImage("sample-docker-oci.tar"), repository: "team/later",
                                               ["--tag", "3.0", "--output", output, "--json"])
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(try Self.run(["verify", "team/later:3.0", "--key", pub]).status == 6)
        let signed = try Self.run(["sign", "team/later:3.0", "--key", key, "--sbom", output + "/sbom.spdx.json", "-a", "pipeline=42", "--json"])
        #expect(signed.status == 0, "\(signed.stderr)")
        let verified = try Self.run(["verify", "team/later:3.0", "--key", pub, "--require-attestation", "--json"])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(try PublishPushTests.report(verified)["digest"] as? String == (try Self.digest(pushed)))
        // Signing again with the same key adds nothing.
        let again = try Self.run(["sign", "team/later:3.0", "--key", key, "-a", "pipeline=42", "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let destination = try #require((try PublishPushTests.report(again)["destinations"] as? [[String: Any]])?.first)
        #expect((destination["signature"] as? [String: Any])?["outcome"] as? String == "already-there")
        // Nothing to sign: a clear error.
        let missing = try Self.run(["sign", "team/later:absent", "--key", key])
        #expect(missing.status == 2 && missing.stderr.contains("has no image absent"), "\(missing.stderr)")
    }
}

extension SignVerifyTests {
    /// A KMS key in moto (signature checks on) signs through `awskms://`; `verify --key
    /// awskms://…` passes, and openssl agrees with the public key the AWS CLI reads from KMS.
    @Test func aKMSKeySignsAndVerifies() throws {
        let world = try PublishPushTests.world.get()
        let home = try TemporaryDirectory("sign-kms")
        let keyID = try world.moto.createSigningKey(spec: "ECC_NIST_P256", home: home.path)
        try world.moto.aws(["kms", "create-alias", "--alias-name", "alias/release-signing", "--target-key-id", keyID], home: home.path)
        // moto's KMS has no MessageType=DIGEST (it would sign the digest as a message), which
        // the client uses beyond 4 KiB: the image's SBOM attestation is too large to check
        // here, so publish signs only, and `sign` attests an SBOM under 4 KiB.
        let published = try SignPublishTests.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/kms",
                                                  ["--tag", "k1", "--sign-key", "awskms:///alias/release-signing", "--no-attest", "--json"])
        #expect(published.status == 0, "\(published.stderr)")
        let report = try PublishPushTests.report(published)
        #expect((report["signing"] as? [String: Any])?["keyKind"] as? String == "awskms")
        #expect(try Self.run(["verify", "team/kms:k1", "--key", "awskms:///\(keyID)"]).status == 0)
        let sbom = #"{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"team/kms","packages":[]}"#
        try sbom.write(toFile: home.file("small.spdx.json"), atomically: true, encoding: .utf8)
        let attested = try Self.run(["sign", "team/kms:k1", "--key", "awskms:///alias/release-signing", "--sbom", home.file("small.spdx.json")])
        #expect(attested.status == 0, "\(attested.stderr)")
        let verified = try Self.run(["verify", "team/kms:k1", "--key", "awskms:///\(keyID)", "--require-attestation"])
        #expect(verified.status == 0, "\(verified.stderr)")

        // The public key as the AWS CLI reads it, and openssl over the payload in the registry.
        let publicKey = try world.moto.aws(["kms", "get-public-key", "--key-id", keyID, "--query", "PublicKey", "--output", "text"], home: home.path)
        let der = try #require(Data(base64Encoded: publicKey.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        try der.write(to: URL(fileURLWithPath: home.file("kms.der")))
        try Tool.check("openssl", ["pkey", "-pubin", "-inform", "DER", "-in", home.file("kms.der"), "-out", home.file("kms.pub")])
        let hex = try Self.digest(published).dropFirst("sha256:".count)
        let sig = try SignPublishTests.skopeoRaw("team/kms:sha256-\(hex).sig")
        let layer = try #require(SignPublishTests.layers(sig).first)
        let blob = try SignPublishTests.skopeoCopy("team/kms:sha256-\(hex).sig", into: try TemporaryDirectory("kms-copy"))
        try blob(try #require(layer["digest"] as? String)).write(to: URL(fileURLWithPath: home.file("payload.json")))
        let signature = (layer["annotations"] as? [String: String])?["dev.cosignproject.cosign/signature"] ?? ""
        try #require(Data(base64Encoded: signature)).write(to: URL(fileURLWithPath: home.file("sig.der")))
        try Tool.check("openssl", ["dgst", "-sha256", "-verify", home.file("kms.pub"), "-signature", home.file("sig.der"), home.file("payload.json")])
        // The public key of the file pair does not verify a KMS signature.
        let (_, pub) = try SignPublishTests.keyPair(home)
        #expect(try Self.run(["verify", "team/kms:k1", "--key", pub]).status == 6)
    }
}

extension SignVerifyTests {
    /// A signature and an attestation made by an independent implementation (Python
    /// `cryptography`, cosign's formats written out by hand) and put in the registry by skopeo:
    /// `verify` accepts them.
    @Test func verifyAcceptsWhatAnIndependentImplementationSignedAndSkopeoPushed() throws {
        let world = try PublishPushTests.world.get()
        let directory = try TemporaryDirectory("verify-independent")
        let pushed = try SignPublishTests.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/foreign", ["--tag", "f1", "--json"])
        #expect(pushed.status == 0, "\(pushed.stderr)")
        let digest = try Self.digest(pushed)
        try Tool.check("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", directory.file("key.pem")])
        try Tool.check("openssl", ["pkey", "-in", directory.file("key.pem"), "-pubout", "-out", directory.file("key.pub")])
        try Tool.check("python3", [Paths.repositoryRoot + "/Tests/Crypto/independent.py", "cosign-layout", directory.file("key.pem"),
                                   "\(Self.ecrRegistry)/team/foreign", digest, directory.path])
        let hex = digest.dropFirst("sha256:".count)
        for (tag, suffix) in [("sig", "sig"), ("att", "att")] {
            try Tool.check("skopeo", ["copy", "-q", "--preserve-digests", "--dest-creds", "\(world.registry.username):\(world.registry.password)",
                                      "--dest-cert-dir", world.registry.certDirectory,
                                      "oci:\(directory.file("layout")):\(tag)", world.registry.dockerReference("team/foreign:sha256-\(hex).\(suffix)")])
        }
        let verified = try Self.run(["verify", "team/foreign:f1", "--key", directory.file("key.pub"), "--require-attestation", "--json"])
        #expect(verified.status == 0, "\(verified.stderr)")
        let result = try PublishPushTests.report(verified)
        #expect(result["validSignatures"] as? Int == 1)
        #expect((result["attestations"] as? [[String: Any]])?.first?["predicateTypes"] as? [String] == ["https://spdx.dev/Document"])
    }
}

extension SignVerifyTests {
    /// Where the registry has the referrers API (ECR's, answered by the ECR-like proxy in
    /// front of distribution 2.8): the SBOM referrer is listed by it and no fallback tag is
    /// written; for a subject that is an index, which ECR answers 405, the tag schema.
    @Test func withTheReferrersAPINoFallbackTagIsWrittenAndAnIndexSubjectFallsBack() throws {
        let world = try PublishPushTests.world.get()
        let directory = try TemporaryDirectory("sign-referrers-api")
        let (key, pub) = try SignPublishTests.keyPair(directory)
        let (proxy, _) = try world.registry.ecrProxy(["--ecr-referrers"])
        let endpoint = "https://127.0.0.1:\(proxy.port)"
        let published = try SignPublishTests.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/api",
                                                  ["--tag", "a1", "--sign-key", key, "--output", directory.file("out"), "--json"], endpoint: endpoint)
        #expect(published.status == 0, "\(published.stderr)")
        let digest = try Self.digest(published)
        let destinations = try #require((try PublishPushTests.report(published)["signing"] as? [String: Any])?["destinations"] as? [[String: Any]])
        let registryReferrer = try #require((destinations.first?["referrers"] as? [[String: Any]])?.first)
        #expect(registryReferrer["discovery"] as? String == "referrers-api")
        #expect((destinations.last?["referrers"] as? [[String: Any]])?.first?["discovery"] as? String == "tag-schema", "the layout keeps the tag schema")
        let fallback = try Tool.run("skopeo", ["inspect", "--raw"] + world.registry.skopeoInspectOptions
            + [world.registry.dockerReference("team/api:sha256-\(digest.dropFirst("sha256:".count))")])
        #expect(fallback.status != 0, "no fallback tag where the API answers")
        let verified = try Self.run(["verify", "team/api:a1", "--key", pub, "--json"], endpoint: endpoint)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(try PublishPushTests.report(verified)["referrers"] as? [String] == ["application/spdx+json"])

        // A multi-platform image: `sign --sbom` attaches a referrer whose subject is the index.
        let multi = try SignPublishTests.push(Paths.fixtureImage("multi-arch-oci.tar"), repository: "team/api", ["--tag", "m1", "--json"],
                                              endpoint: endpoint)
        #expect(multi.status == 0, "\(multi.stderr)")
        let indexHex = try Self.digest(multi).dropFirst("sha256:".count)
        try #"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"team/api"}"#.write(
            toFile: directory.file("index.spdx.json"), atomically: true, encoding: .utf8)
        let signed = try Self.run(["sign", "team/api:m1", "--key", key, "--sbom", directory.file("index.spdx.json"), "--json"], endpoint: endpoint)
        #expect(signed.status == 0, "\(signed.stderr)")
        let referrer = try #require(((try PublishPushTests.report(signed)["destinations"] as? [[String: Any]])?.first?["referrers"] as? [[String: Any]])?.first)
        #expect(referrer["discovery"] as? String == "tag-schema")
        let index = try SignPublishTests.skopeoRaw("team/api:sha256-\(indexHex)")
        #expect((index["manifests"] as? [[String: Any]])?.first?["artifactType"] as? String == "application/spdx+json")
        let verifiedIndex = try Self.run(["verify", "team/api:m1", "--key", pub, "--require-attestation", "--json"], endpoint: endpoint)
        #expect(verifiedIndex.status == 0, "\(verifiedIndex.stderr)")
    }
}

extension SignVerifyTests {
    /// Two signers on one image: each key's verify passes on its own signature and its own
    /// attestation, the other's layers beside them notwithstanding.
    @Test func twoSignersEachVerifyTheirOwnAttestation() throws {
        let directory = try TemporaryDirectory("verify-two-signers")
        let (key, pub) = try SignPublishTests.keyPair(directory)
        let (otherKey, otherPub) = try SignPublishTests.keyPair(directory, prefix: "other")
        let published = try SignPublishTests.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/two",
                                                  ["--tag", "t", "--sign-key", key])
        #expect(published.status == 0, "\(published.stderr)")
        try #"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}"#.write(
            toFile: directory.file("bom.cdx.json"), atomically: true, encoding: .utf8)
        let signed = try Self.run(["sign", "team/two:t", "--key", otherKey, "--sbom", directory.file("bom.cdx.json")])
        #expect(signed.status == 0, "\(signed.stderr)")
        for (publicKey, type) in [(pub, "https://spdx.dev/Document"), (otherPub, "https://cyclonedx.org/bom")] {
            let verified = try Self.run(["verify", "team/two:t", "--key", publicKey, "--require-attestation", "--json"])
            #expect(verified.status == 0, "\(verified.stderr)")
            let result = try PublishPushTests.report(verified)
            #expect(result["signatureLayers"] as? Int == 2 && result["validSignatures"] as? Int == 1)
            #expect((result["attestations"] as? [[String: Any]])?.first?["predicateTypes"] as? [String] == [type])
        }
    }
}

extension SignVerifyTests {
    /// The signature's payload and config are new with a signing, so they are uploaded without
    /// asking first; a registry that refuses a blob it already has (left by a run stopped before
    /// its manifest) is then asked, and the signing goes on.
    @Test func aSigningStoppedBeforeItsManifestSignsAgainWhereTheRegistryRefusesBlobsItHas() throws {
        let world = try PublishPushTests.world.get()
        let directory = try TemporaryDirectory("sign-after-stop")
        let (key, pub) = try SignPublishTests.keyPair(directory)
        let published = try SignPublishTests.push(Paths.fixtureImage("sample-docker-classic.tar"), repository: "team/stopped",
                                                  ["--tag", "s1", "--json"])
        #expect(published.status == 0, "\(published.stderr)")
        let hex = try Self.digest(published).dropFirst("sha256:".count)

        let (stopping, stoppingLog) = try world.registry.ecrProxy(["--ecr-refuse-manifest", "/manifests/sha256-\(hex).sig"])
        let stopped = try Self.run(["sign", "team/stopped:s1", "--key", key], endpoint: "https://127.0.0.1:\(stopping.port)")
        #expect(stopped.status != 0, "the proxy refuses the signature's manifest")
        let uploaded = try String(contentsOfFile: stoppingLog, encoding: .utf8)
        #expect(uploaded.contains(#""method": "PUT", "path": "/v2/team/stopped/blobs/uploads/"#), "the blobs went up first")
        #expect(!uploaded.contains(#""method": "HEAD", "path": "/v2/team/stopped/blobs/"#), "no HEAD for blobs new with the signing")

        let (refusing, refusingLog) = try world.registry.ecrProxy(["--ecr-refuse-existing-blobs"])
        let endpoint = "https://127.0.0.1:\(refusing.port)"
        let signed = try Self.run(["sign", "team/stopped:s1", "--key", key], endpoint: endpoint)
        #expect(signed.status == 0, "\(signed.stderr)")
        let log = try String(contentsOfFile: refusingLog, encoding: .utf8)
        #expect(log.contains(#""status": 400"#), "the registry refused the blobs it had")
        #expect(log.contains(#""method": "HEAD", "path": "/v2/team/stopped/blobs/"#), "and was asked whether it has them")
        let verified = try Self.run(["verify", "team/stopped:s1", "--key", pub], endpoint: endpoint)
        #expect(verified.status == 0, "\(verified.stderr)")
    }
}
