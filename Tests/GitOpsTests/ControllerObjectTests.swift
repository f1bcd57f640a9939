@testable import GitOps
import OCI
import Testing

/// The objects of GitOps controllers that carry image overrides: Flux HelmRelease
/// `spec.values`, Flux Kustomization `spec.images`, Argo CD Application `kustomize.images`
/// and `helm.valuesObject`.
@Suite struct ControllerObjectTests {
    static let registry = EditorTests.registry
    static let pinned = EditorTests.pin().reference

    @Test func fluxHelmReleaseValues() throws {
        let before = """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata:
              name: podinfo
            spec:
              chart:
                spec:
                  chart: podinfo
              values:
                image:
                  repository: ghcr.io/stefanprodan/podinfo
                  tag: 6.5.0

            """
        let after = try MatchTests.edit(before, path: "release.yaml", options: MatchTests.options("ghcr.io/stefanprodan/podinfo"))
        #expect(after == before.replacingOccurrences(of: "ghcr.io/stefanprodan/podinfo\n      tag: 6.5.0",
                                                     with: "\(Self.registry)/team/app\n      tag: v1.4.0@\(EditorTests.digest)"))
    }

    @Test func fluxKustomizationImages() throws {
        let before = """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: apps
            spec:
              path: ./apps
              images:
              - name: \(Self.registry)/team/app
                newTag: v1.3.0

            """
        let after = try MatchTests.edit(before, path: "clusters/prod/apps.yaml", options: EditOptions())
        #expect(after == before.replacingOccurrences(of: "newTag: v1.3.0", with: "newTag: v1.4.0\n    digest: \(EditorTests.digest)"))
    }

    @Test func argoApplicationOverridesAndValues() throws {
        let before = """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata:
              name: guestbook
            spec:
              source:
                repoURL: https://github.com/argoproj/argocd-example-apps.git
                path: kustomize-guestbook
                kustomize:
                  images:
                  - gcr.io/heptio-images/ks-guestbook-demo:0.1
                  - "\(Self.registry)/team/app:v1.3.0"
                  - other=quay.io/org/other:1
              sources:
              - chart: app
                helm:
                  valuesObject:
                    image:
                      repository: \(Self.registry)/team/app
                      tag: v1.3.0

            """
        let after = try MatchTests.edit(before, path: "apps/guestbook.yaml", options: MatchTests.options("gcr.io/heptio-images/ks-guestbook-demo"))
        #expect(after == before
            .replacingOccurrences(of: "- gcr.io/heptio-images/ks-guestbook-demo:0.1", with: "- gcr.io/heptio-images/ks-guestbook-demo=\(Self.pinned)")
            .replacingOccurrences(of: "\"\(Self.registry)/team/app:v1.3.0\"", with: "\"\(Self.pinned)\"")
            .replacingOccurrences(of: "tag: v1.3.0", with: "tag: v1.4.0@\(EditorTests.digest)"))
    }
}
