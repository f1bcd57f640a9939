import Foundation
@testable import GitOps
import OCI
import Testing
import TestSupport

/// Acceptance on real public manifests (fixtures/gitops/corpus, each with its licence):
/// every case pins an image through a real bare repository; an independent checker in Python
/// (PyYAML) requires each edited file to parse and equal its original except the pinned
/// values; a second run makes no commit; kustomizations render the pin with kubectl kustomize.
@Suite struct CorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var source: String
        var repository: String
        var tag: String
        var mode: PinMode = .tagAndDigest
        var matches: [String] = []
        var fluxPolicy: String?
        /// The files the pin must change, and no others.
        var changed: Set<String>
        /// Kustomization directories whose rendering must hold the pin.
        var rendered: [String] = []

        var testDescription: String { "\(source) \(repository):\(tag)" }
    }

    static let registry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    static let digest = Digest("sha256:" + String(repeating: "5e", count: 32))!
    static let corpus = Paths.repositoryRoot + "/fixtures/gitops/corpus"

    static let cases: [Case] = [
        Case(source: "microservices-demo", repository: "shop/frontend", tag: "v0.10.3",
             matches: ["frontend", "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/frontend"],
             changed: ["kubernetes-manifests/frontend.yaml", "kustomize/components/container-images-registry/kustomization.yaml",
                       "kustomize/components/container-images-tag/kustomization.yaml"],
             rendered: ["kubernetes-manifests"]),
        Case(source: "podinfo", repository: "apps/podinfo", tag: "7284872", matches: ["ghcr.io/stefanprodan/podinfo"],
             changed: ["charts/podinfo/values.yaml", "charts/podinfo/values-prod.yaml", "kustomize/deployment.yaml",
                       "deploy/webapp/frontend/deployment.yaml", "deploy/webapp/backend/deployment.yaml"],
             rendered: ["kustomize"]),
        Case(source: "podinfo", repository: "apps/redis", tag: "1.10", mode: .tag, matches: ["redis"],
             changed: ["charts/podinfo/values.yaml", "charts/podinfo/values-prod.yaml", "deploy/bases/cache/deployment.yaml"]),
        Case(source: "flux-setters", repository: "team/app", tag: "v2.0.0", fluxPolicy: "automation-ns:policy",
             changed: ["internal/update/testdata/setters/original/Kustomization", "internal/update/testdata/setters/original/kustomization.yml",
                       "internal/update/testdata/setters/original/marked.yaml"]),
        Case(source: "kubernetes-examples", repository: "guestbook/frontend", tag: "2", mode: .tag, matches: ["gcr.io/google-samples/gb-frontend"],
             changed: ["web/guestbook/frontend-deployment.yaml"]),
        Case(source: "bitnami", repository: "web/nginx", tag: "1.29.1", matches: ["docker.io/bitnami/nginx"],
             changed: ["bitnami/nginx/values.yaml"]),
        Case(source: "bitnami", repository: "cache/redis", tag: "8.2.1", mode: .digest, matches: ["bitnami/redis"],
             changed: ["bitnami/redis/values.yaml"]),
        Case(source: "flux2-kustomize-helm-example", repository: "cache/redis", tag: "8.6.3", matches: ["public.ecr.aws/docker/library/redis"],
             changed: ["apps/base/podinfo/release.yaml"]),
        Case(source: "kustomize", repository: "team/app", tag: "v1", matches: ["my-app", "new-app-1"],
             changed: ["examples/transformerconfigs/images/kustomization.yaml", "examples/transformerconfigs/images/resources.yaml"]),
    ]

    /// The corpus files of a source (path → text), without its licence and notes.
    static func files(of source: String) throws -> [String: String] {
        let root = corpus + "/" + source
        var files: [String: String] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  !["LICENSE", "LICENSE.md", "SOURCE.md"].contains(path) else { continue }
            files[path] = try String(contentsOfFile: root + "/" + path, encoding: .utf8)
        }
        return files
    }

    static func write(_ files: [String: String], to directory: TemporaryDirectory) throws {
        for (path, content) in files {
            let file = directory.file(path)
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: file, atomically: true, encoding: .utf8)
        }
    }

    @Test(arguments: cases)
    func pinsOnlyTheImageAndASecondRunChangesNothing(_ test: Case) throws {
        let originals = try Self.files(of: test.source)
        let remote = try GitRemote(files: originals)
        var configuration = GitOpsConfiguration(repository: remote.path)
        configuration.editOptions.replacing = test.matches.compactMap(ImageReference.init(parsing:))
        configuration.editOptions.fluxPolicy = test.fluxPolicy
        let pin = ImagePin(image: ImageReference(registry: Self.registry, repository: test.repository), tag: test.tag, digest: Self.digest, mode: test.mode)

        let first = try GitOpsUpdater(configuration: configuration).update(pin: pin, push: true)
        #expect(first.pushed, "\(first.warnings)")
        var results: [String: String] = [:]
        for path in originals.keys { results[path] = try remote.show(path) }
        #expect(Set(originals.keys.filter { originals[$0] != results[$0] }) == test.changed)

        // The independent check.
        let before = try TemporaryDirectory("corpus-before"), after = try TemporaryDirectory("corpus-after")
        try Self.write(originals, to: before)
        try Self.write(results, to: after)
        let check = try Tool.run("python3", [
            Paths.repositoryRoot + "/fixtures/gitops/semantic_check.py", before.path, after.path, "--registry", Self.registry,
            "--repository", test.repository, "--tag", test.tag, "--digest", Self.digest.description, "--mode", test.mode.rawValue,
        ])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("checked \(test.changed.count) changed files"), "\(check.stdout)")

        let second = try GitOpsUpdater(configuration: configuration).update(pin: pin, push: true)
        #expect(second.upToDate && !second.pushed, "\(second.changes)")
        #expect(try remote.commitCount() == 2)

        for directory in test.rendered {
            let output = try Tool.check("kubectl", ["kustomize", after.file(directory)]).stdout
            #expect(output.contains("image: \(pin.reference)\n"), "\(directory) does not render \(pin.reference)")
        }
    }
}
