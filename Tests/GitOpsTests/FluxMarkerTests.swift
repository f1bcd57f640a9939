@testable import GitOps
import OCI
import Testing

/// Flux setter markers as Flux honours them, stable under a second run.
@Suite struct FluxMarkerTests {
    static let registry = EditorTests.registry
    static let digest = EditorTests.digest
    static let image = "\(registry)/team/app"

    /// Edits, then edits the result again: the second run must change nothing.
    static func twice(_ before: String, path: String, options: EditOptions = EditOptions()) throws -> String {
        let (after, _) = try EditorTests.edit(before, path: path, options: options)
        let (again, edits) = try EditorTests.edit(after, path: path, options: options)
        #expect(again == after && edits.edits.isEmpty, "a second run edited \(edits.edits.map(\.summary))")
        return after
    }

    @Test func tagMarkerBesideADigestIsStableAndRendersThePin() throws {
        let before = """
            resources:
            - deployment.yaml
            images:
            - name: \(Self.image)
              newTag: v1.3.0 # {"$imagepolicy": "flux-system:app:tag"}
              digest: \(EditorTests.oldDigest)

            """
        let after = try Self.twice(before, path: "kustomization.yaml")
        #expect(after == before.replacingOccurrences(of: "newTag: v1.3.0", with: "newTag: v1.4.0")
            .replacingOccurrences(of: EditorTests.oldDigest, with: Self.digest.description))
        let images = try Kustomize.images(["kustomization.yaml": after, "deployment.yaml": Kustomize.deployment(image: Self.image)])
        #expect(images == ["\(Self.image):v1.4.0@\(Self.digest)"])
    }

    @Test func tagMarkerWithoutADigestGetsOneInTheSameRun() throws {
        let before = "resources:\n- deployment.yaml\nimages:\n- name: \(Self.image)\n  newTag: v1.3.0 # {\"$imagepolicy\": \"flux-system:app:tag\"}\n"
        let after = try Self.twice(before, path: "kustomization.yaml")
        #expect(after == before.replacingOccurrences(of: "v1.3.0", with: "v1.4.0") + "  digest: \(Self.digest)\n")
        let images = try Kustomize.images(["kustomization.yaml": after, "deployment.yaml": Kustomize.deployment(image: Self.image)])
        #expect(images == ["\(Self.image):v1.4.0@\(Self.digest)"])
    }

    @Test func tagMarkerBesideASplitHelmName() throws {
        let before = "image:\n  registry: \(Self.registry)\n  repository: team/app\n  tag: v1.3.0 # {\"$imagepolicy\": \"flux-system:app:tag\"}\n"
        let after = try Self.twice(before, path: "values.yaml")
        #expect(after == before.replacingOccurrences(of: "v1.3.0", with: "v1.4.0@\(Self.digest)"))
    }

    @Test func markersWithoutASpaceAndInHeadCommentsAreHonoured() throws {
        let before = """
            app:
              # {"$imagepolicy": "flux-system:app:name"}
              name: \(Self.image)
              # {"$imagepolicy": "flux-system:app:tag"}
              version: v1.3.0
            job:
              image: \(Self.image):v1.3.0 #{"$imagepolicy":"flux-system:app"}
            note: 'a # {"$imagepolicy": "flux-system:app:tag"} in a string is no marker'

            """
        let after = try Self.twice(before, path: "apps.yaml")
        #expect(after == before.replacingOccurrences(of: "version: v1.3.0", with: "version: v1.4.0@\(Self.digest)")
            .replacingOccurrences(of: "app:v1.3.0 #", with: "app:v1.4.0@\(Self.digest) #"))
    }

    @Test func aGivenPolicyEditsOnlyItsOwnMarkers() throws {
        let before = """
            apiVersion: v1
            kind: Pod
            spec:
              containers:
              - image: \(Self.image):v1.3.0 # {"$imagepolicy": "flux-system:app"}
              - image: \(Self.image):v1.3.0 # {"$imagepolicy": "flux-system:canary"}
              - image: \(Self.image):v1.3.0
            ---
            image:
              repository: \(Self.image)
              tag: v1.3.0 # {"$imagepolicy": "flux-system:canary:tag"}

            """
        var options = EditOptions()
        options.fluxPolicy = "flux-system:app"
        let after = try Self.twice(before, path: "apps.yaml", options: options)
        let marked = "app:v1.3.0 # {\"$imagepolicy\": \"flux-system:app\"}"
        #expect(after == before.replacingOccurrences(of: marked, with: marked.replacingOccurrences(of: "v1.3.0", with: "v1.4.0@\(Self.digest)")))

        // Without a policy, the unmarked ones are edited, and the other policy's tag marker
        // still decides its own value.
        let (unscoped, _) = try EditorTests.edit(before, path: "apps.yaml")
        #expect(unscoped.contains("  tag: v1.3.0 # {\"$imagepolicy\": \"flux-system:canary:tag\"}") == false)
        #expect(unscoped.components(separatedBy: "app:v1.4.0@").count == 4)
    }
}
