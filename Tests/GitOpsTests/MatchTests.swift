@testable import GitOps
import OCI
import Testing

/// `--gitops-match`: an image moving to ECR from where an unmodified deployment repository
/// names it. Kustomizations are checked by rendering them with `kubectl kustomize`.
@Suite struct MatchTests {
    static let registry = EditorTests.registry
    static let digest = EditorTests.digest
    static let pinned = "\(registry)/team/app:v1.4.0@\(digest)"

    static func options(_ references: String...) -> EditOptions {
        var options = EditOptions()
        options.replacing = references.compactMap(ImageReference.init(parsing:))
        return options
    }

    static func edit(_ before: String, path: String, mode: PinMode = .tagAndDigest, options: EditOptions) throws -> String {
        let (after, _) = try EditorTests.edit(before, path: path, pin: EditorTests.pin(mode), options: options)
        let (again, edits) = try EditorTests.edit(after, path: path, pin: EditorTests.pin(mode), options: options)
        #expect(again == after && edits.edits.isEmpty, "a second run edited \(edits.edits.map(\.summary))")
        return after
    }

    @Test func workloadsGetTheNewNameWithDockerHubShortFormsNormalised() throws {
        let before = """
            apiVersion: apps/v1
            kind: Deployment
            spec:
              template:
                spec:
                  containers:
                  - image: nginx:1.25
                  - image: docker.io/library/nginx
                  - image: index.docker.io/nginx:1.25@\(EditorTests.oldDigest)
                  - image: "gcr.io/google-samples/gb-frontend:v5"
                  - image: redis:7
                  - image: gcr.io/google-samples/gb-redis-follower:v2

            """
        let after = try Self.edit(before, path: "deploy.yaml", options: Self.options("nginx", "gcr.io/google-samples/gb-frontend"))
        var expected = before
        for old in ["nginx:1.25\n", "docker.io/library/nginx\n", "index.docker.io/nginx:1.25@\(EditorTests.oldDigest)\n", "gcr.io/google-samples/gb-frontend:v5\""] {
            expected = expected.replacingOccurrences(of: "image: \(old)", with: "image: \(Self.pinned)\(old.last!)")
                .replacingOccurrences(of: "image: \"\(old)", with: "image: \"\(Self.pinned)\(old.last!)")
        }
        #expect(after == expected)
        #expect(after.contains("redis:7") && after.contains("gb-redis-follower:v2"))
    }

    @Test func helmValuesGetRegistryAndRepository() throws {
        let before = """
            global:
              imageRegistry: ""
            image:
              registry: docker.io
              repository: bitnami/nginx
              tag: 1.25.3-debian-12-r0
              digest: ""
            podinfo:
              image:
                repository: ghcr.io/stefanprodan/podinfo
                tag: 6.5.0
            metrics:
              image:
                registry: docker.io
                repository: bitnami/nginx-exporter
                tag: 1.1.0
            mirrored:
              image:
                registry: quay.io
                repository: bitnami/nginx
                tag: 1.1.0

            """
        let after = try Self.edit(before, path: "values.yaml", options: Self.options("docker.io/bitnami/nginx", "ghcr.io/stefanprodan/podinfo"))
        #expect(after == before
            .replacingOccurrences(of: "  registry: docker.io\n  repository: bitnami/nginx\n  tag: 1.25.3-debian-12-r0\n  digest: \"\"",
                                  with: "  registry: \(Self.registry)\n  repository: team/app\n  tag: v1.4.0\n  digest: \"\(Self.digest)\"")
            .replacingOccurrences(of: "repository: ghcr.io/stefanprodan/podinfo\n    tag: 6.5.0",
                                  with: "repository: \(Self.registry)/team/app\n    tag: v1.4.0@\(Self.digest)"))
    }

    @Test func aGlobalImageRegistryElsewhereIsRefusedByName() throws {
        let before = "global:\n  imageRegistry: mirror.example.com\nimage:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: 1.25.3\n"
        #expect {
            try EditorTests.edit(before, path: "values.yaml", options: Self.options("bitnami/nginx"))
        } throws: { error in
            guard case GitOpsError.uneditableValue(_, let line, let detail) = error else { return false }
            return line == 2 && detail.contains("global.imageRegistry")
        }
    }

    static let nginxDeployment = Kustomize.deployment(image: "nginx:1.25")

    @Test(arguments: [PinMode.tagAndDigest, .tag, .digest])
    func kustomizationGetsNewNameAndRendersThePin(mode: PinMode) throws {
        let before = "resources:\n- deployment.yaml\nimages:\n- name: nginx\n  newTag: \"1.25\"\n"
        let after = try Self.edit(before, path: "kustomization.yaml", mode: mode, options: Self.options("nginx"))
        let images = try Kustomize.images(["kustomization.yaml": after, "deployment.yaml": Self.nginxDeployment])
        #expect(images == [EditorTests.pin(mode).reference])
    }

    @Test func kustomizationNewNameIsReplaced() throws {
        let before = "resources:\n- deployment.yaml\nimages:\n- name: nginx\n  newName: mirror.example.com/library/nginx\n  newTag: \"1.25\"\n"
        let after = try Self.edit(before, path: "kustomization.yaml", options: Self.options("mirror.example.com/library/nginx"))
        #expect(after == "resources:\n- deployment.yaml\nimages:\n- name: nginx\n  newName: \(Self.registry)/team/app\n  newTag: \"v1.4.0\"\n  digest: \(Self.digest)\n")
        #expect(try Kustomize.images(["kustomization.yaml": after, "deployment.yaml": Self.nginxDeployment]) == [Self.pinned])
    }

    @Test func componentAndRootKustomizationFileName() throws {
        let component = """
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            images:
            - name: nginx

            """
        let after = try Self.edit(component, path: "components/ecr/kustomization.yaml", options: Self.options("nginx"))
        let root = "resources:\n- deployment.yaml\ncomponents:\n- components/ecr\n"
        let images = try Kustomize.images(["kustomization.yaml": root, "deployment.yaml": Self.nginxDeployment,
                                           "components/ecr/kustomization.yaml": after])
        #expect(images == [Self.pinned])
        let rootFile = try Self.edit("images:\n- name: nginx\n", path: "Kustomization", options: Self.options("nginx"))
        #expect(rootFile.contains("newName: \(Self.registry)/team/app"))
    }

    /// An entry that sends the image's name to another repository renders that repository:
    /// pinning the image's digest there would be wrong.
    @Test func entryRenderingAnotherRepositoryIsLeftAlone() throws {
        let before = "images:\n- name: \(Self.registry)/team/app\n  newName: quay.io/other/app\n  newTag: v1\n"
        let (after, edits) = try EditorTests.edit(before, path: "kustomization.yaml")
        #expect(after == before)
        #expect(edits.warnings.contains { $0.contains("renders quay.io/other/app") })
    }
}
