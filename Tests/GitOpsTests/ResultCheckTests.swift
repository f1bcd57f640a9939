@testable import GitOps
import OCI
import Testing

/// The parsed result must equal the original but for the pinned values: edits that damage a
/// neighbour, or change a value's type, are refused.
@Suite struct ResultCheckTests {
    static let registry = EditorTests.registry
    static let digest = EditorTests.digest

    static func check(_ before: String, edit: TextEdit) throws {
        let source = try SourceText(path: "values.yaml", bytes: Array(before.utf8))
        let after = TextEdit.apply([edit], to: source.bytes)
        try ResultCheck(original: source, changes: edit.changes).verify(SourceText(path: "values.yaml", bytes: after))
    }

    /// The editor's one edit of a Helm values file, for the image's tag.
    static func tagEdit(_ before: String, tag: String) throws -> TextEdit {
        let source = try SourceText(path: "values.yaml", bytes: Array(before.utf8))
        let edits = try ManifestEditor(pin: EditorTests.pin(.tag, tag: tag), options: EditOptions()).edits(for: source)
        return try #require(edits.edits.first)
    }

    @Test func theIntendedValueChangePasses() throws {
        let before = "image:\n  repository: \(Self.registry)/team/app\n  tag: v1   # CI\n  pullPolicy: Always\n"
        try Self.check(before, edit: try Self.tagEdit(before, tag: "v2"))
    }

    @Test func aTagWrittenAsANumberIsRefused() throws {
        let before = "image:\n  repository: \(Self.registry)/team/app\n  tag: v1\n"
        var edit = try Self.tagEdit(before, tag: "1.10")
        edit.replacement = "1.10"
        #expect {
            try Self.check(before, edit: edit)
        } throws: { error in
            guard case GitOpsError.unintendedChange(let file, let line, let detail) = error else { return false }
            return file == "values.yaml" && line == 3 && detail.contains("image.tag") && detail.contains("float")
        }
    }

    @Test func damageToANeighbourIsRefused() throws {
        let before = "image:\n  repository: \(Self.registry)/team/app\n  tag: v1\n  pullPolicy: Always\n"
        // Swallows the next key into the value.
        let source = try SourceText(path: "values.yaml", bytes: Array(before.utf8))
        var edit = try Self.tagEdit(before, tag: "v2")
        edit.range = edit.range.lowerBound..<(source.lineStarts[3] + 2)
        edit.replacement = "v2\n "
        #expect(throws: GitOpsError.self) { try Self.check(before, edit: edit) }
    }

    /// ruamel.yaml wraps long values onto the next line: removing `digest:` must remove its
    /// value too, not merge it into the tag.
    @Test func tagModeRemovesADigestWrittenOnTheNextLine() throws {
        let before = """
            images:
            - name: \(Self.registry)/team/app
              newTag: v1
              digest:
                \(EditorTests.oldDigest)
            - name: other
              newTag: x

            """
        let (after, _) = try EditorTests.edit(before, path: "kustomization.yaml", pin: EditorTests.pin(.tag, tag: "v2"))
        #expect(after == "images:\n- name: \(Self.registry)/team/app\n  newTag: v2\n- name: other\n  newTag: x\n")
        let source = try SourceText(path: "kustomization.yaml", bytes: Array(before.utf8))
        let edits = try ManifestEditor(pin: EditorTests.pin(.tag, tag: "v2"), options: EditOptions()).edits(for: source)
        try ResultCheck(original: source, changes: edits.edits.flatMap(\.changes))
            .verify(SourceText(path: "kustomization.yaml", bytes: Array(after.utf8)))
    }

    /// An entry with neither newTag nor digest gets both in one run.
    @Test func bothMissingKeysAreAddedInOneRun() throws {
        let before = "images:\n- name: \(Self.registry)/team/app\n- name: other\n  newTag: x\n"
        let (after, _) = try EditorTests.edit(before, path: "kustomization.yaml")
        #expect(after == "images:\n- name: \(Self.registry)/team/app\n  newTag: v1.4.0\n  digest: \(Self.digest)\n- name: other\n  newTag: x\n")
        let (again, edits) = try EditorTests.edit(after, path: "kustomization.yaml")
        #expect(again == after && edits.edits.isEmpty)
    }
}
