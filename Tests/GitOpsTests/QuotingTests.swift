@testable import GitOps
import OCI
import Testing

/// Tags that look like numbers, booleans or null are written so they load back as the same
/// string: Helm would render `7284872` as `7.284872e+06`, kustomize refuses a number.
@Suite struct QuotingTests {
    static let registry = EditorTests.registry
    static let tags = ["7284872", "1.10", "2", "true", "null", "1e3", "0x1F", "on", "y", "1_000", "012"]

    @Test(arguments: tags)
    func helmTagIsQuoted(tag: String) throws {
        let before = "image:\n  repository: \(Self.registry)/team/app\n  tag: v1\n"
        let (after, _) = try EditorTests.edit(before, path: "values.yaml", pin: EditorTests.pin(.tag, tag: tag))
        #expect(after == "image:\n  repository: \(Self.registry)/team/app\n  tag: \"\(tag)\"\n")
    }

    @Test(arguments: tags)
    func kustomizeNewTagIsQuotedAndRendersAsTheTag(tag: String) throws {
        let before = "resources:\n- deployment.yaml\nimages:\n- name: \(Self.registry)/team/app\n  newTag: v1\n- name: other\n"
        let pin = EditorTests.pin(.tag, tag: tag)
        let (after, _) = try EditorTests.edit(before, path: "kustomization.yaml", pin: pin)
        #expect(after == before.replacingOccurrences(of: "newTag: v1", with: "newTag: \"\(tag)\""))
        // Inserted, and in a new entry, too.
        let (inserted, _) = try EditorTests.edit(before.replacingOccurrences(of: "  newTag: v1\n", with: ""), path: "kustomization.yaml", pin: pin)
        #expect(inserted == before.replacingOccurrences(of: "newTag: v1", with: "newTag: \"\(tag)\""))
        var options = EditOptions()
        options.addKustomizeEntry = true
        let (added, _) = try EditorTests.edit("resources:\n- deployment.yaml\n", path: "kustomization.yaml", pin: pin, options: options)
        #expect(added.hasSuffix("  newTag: \"\(tag)\"\n"))
        let images = try Kustomize.images(["kustomization.yaml": after, "deployment.yaml": Kustomize.deployment(image: "\(Self.registry)/team/app:v0")])
        #expect(images == ["\(Self.registry)/team/app:\(tag)"])
    }

    @Test func ordinaryTagsStayPlainAndQuotedOnesKeepTheirQuotes() throws {
        #expect(SourceText.quoted("v1.2.3", like: .plain) == "v1.2.3")
        #expect(SourceText.quoted("1.10", like: .singleQuoted) == "'1.10'")
        #expect(SourceText.quoted("", like: .plain) == "\"\"")
        #expect(SourceText.quoted("sha256:" + String(repeating: "0", count: 64), like: .plain) == "sha256:" + String(repeating: "0", count: 64))
    }
}
