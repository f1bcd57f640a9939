@testable import GitOps
import OCI
import Testing

/// Valid YAML constructs around a value: edited in place, or refused naming the construct.
@Suite struct ConstructTests {
    static let registry = EditorTests.registry
    static let image = "\(registry)/team/app"

    @Test func anchoredAndTaggedValuesAreEditedKeepingTheirProperties() throws {
        let before = "image:\n  repository: !!str \(Self.image)\n  tag: &tag v1.3.0\nsidecar:\n  tag: *tag\nother: !!str 1.10\n"
        let (after, _) = try EditorTests.edit(before, path: "values.yaml", pin: EditorTests.pin(.tag))
        #expect(after == before.replacingOccurrences(of: "&tag v1.3.0", with: "&tag v1.4.0"))
        let (tagged, _) = try EditorTests.edit("image:\n  repository: \(Self.image)\n  tag: !!str 1.3\n", path: "values.yaml", pin: EditorTests.pin(.tag, tag: "2"))
        #expect(tagged == "image:\n  repository: \(Self.image)\n  tag: !!str \"2\"\n")
    }

    @Test func plainValuesInFlowStyle() throws {
        let before = "image: {repository: \(Self.image), tag: v1.3.0}   # flow\nlist: [\(Self.image)]\n"
        let (after, _) = try EditorTests.edit(before, path: "values.yaml", pin: EditorTests.pin(.tag))
        #expect(after == before.replacingOccurrences(of: "tag: v1.3.0}", with: "tag: v1.4.0}"))
        let pod = "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: app, image: \(Self.image):v1}, {name: b, image: busybox}]}\n"
        let (edited, _) = try EditorTests.edit(pod, path: "pod.yaml")
        #expect(edited == pod.replacingOccurrences(of: "app:v1}", with: "app:v1.4.0@\(EditorTests.digest)}"))
    }

    @Test func flowStyleImagesEntries() throws {
        let before = "resources: [deployment.yaml]\nimages: [{name: \(Self.image), newTag: v1.3.0}]\n"
        let (after, _) = try EditorTests.edit(before, path: "kustomization.yaml")
        #expect(after == "resources: [deployment.yaml]\nimages: [{name: \(Self.image), newTag: v1.4.0, digest: \(EditorTests.digest)}]\n")
        let images = try Kustomize.images(["kustomization.yaml": after, "deployment.yaml": Kustomize.deployment(image: Self.image)])
        #expect(images == [EditorTests.pin().reference])
        // Removing a key from a flow mapping is refused, naming the construct.
        #expect {
            try EditorTests.edit("images: [{name: \(Self.image), newTag: v1, digest: \(EditorTests.oldDigest)}]\n",
                                 path: "kustomization.yaml", pin: EditorTests.pin(.tag))
        } throws: { error in
            guard case GitOpsError.uneditableValue(_, let line, let detail) = error else { return false }
            return line == 1 && detail.contains("flow mapping")
        }
    }

    @Test func byteOrderMark() throws {
        let before = "\u{FEFF}image:\n  repository: \(Self.image)\n  tag: v1.3.0\n"
        let (after, _) = try EditorTests.edit(before, path: "values.yaml", pin: EditorTests.pin(.tag))
        #expect(after == before.replacingOccurrences(of: "v1.3.0", with: "v1.4.0"))
        let first = "\u{FEFF}image: \(Self.image):v1\n"
        let (edited, _) = try EditorTests.edit(first, path: "values.yaml", options: { var o = EditOptions(); o.helmKeys = [.image: [["image"]]]; return o }())
        #expect(edited == "\u{FEFF}image: \(EditorTests.pin().reference)\n")
    }
}
