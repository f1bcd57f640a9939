import Foundation
@testable import GitOps
import OCI
import Testing

/// Every YAML file is hostile: time and memory stay bounded in its size.
@Suite struct HostileYAMLTests {
    static let registry = EditorTests.registry

    static func refusal(_ text: String) -> (detail: String, seconds: Double)? {
        let start = Date()
        do {
            _ = try EditorTests.edit(text, path: "values.yaml")
            return nil
        } catch GitOpsError.unsafeYAML(_, _, let detail) {
            return (detail, Date().timeIntervalSince(start))
        } catch {
            return ("unexpected: \(error)", 0)
        }
    }

    /// Nine levels of nine aliases: 387,420,489 values from 2 KB.
    @Test func aliasBombIsRefusedQuickly() throws {
        var text = "l0: &l0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        text += "image:\n  repository: \(Self.registry)/team/app\n  tag: v1\n"
        let refused = try #require(Self.refusal(text))
        #expect(refused.detail.contains("aliases"))
        #expect(refused.seconds < 5)
    }

    @Test func ordinaryAliasesStillWork() throws {
        let before = "defaults: &defaults\n  pullPolicy: Always\napp:\n  <<: *defaults\n  image:\n    repository: \(Self.registry)/team/app\n    tag: v1\n"
        let (after, _) = try EditorTests.edit(before, path: "values.yaml", pin: EditorTests.pin(.tag, tag: "v2"))
        #expect(after == before.replacingOccurrences(of: "tag: v1", with: "tag: v2"))
    }

    @Test func deepNestingIsRefusedNotACrash() throws {
        let flow = "image: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        #expect(try #require(Self.refusal(flow)).detail.contains("nests"))
        let block = (0..<3000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x\n"
        #expect(try #require(Self.refusal(block)).detail.contains("nests"))
        let dashes = String(repeating: "- ", count: 5000) + "y\n"
        #expect(try #require(Self.refusal(dashes)).detail.contains("nests"))
    }

    @Test func fileLargerThanAManifestIsRefusedByName() throws {
        let big = String(repeating: "# padding\n", count: SourceText.maximumSize / 10 + 1)
        let refused = try #require(Self.refusal(big))
        #expect(refused.detail.contains("MiB"))
    }

    /// Half the limit: tens of thousands of documents, edited in time linear in the size (a
    /// few seconds in a debug build, where the whole limit takes about 15).
    @Test func largeFileIsEditedInBoundedTime() throws {
        let document = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: \(Self.registry)/team/other:v1\n---\n"
        let count = SourceText.maximumSize / 2 / document.utf8.count
        let text = String(repeating: document, count: count) + "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: \(Self.registry)/team/app:v1\n"
        let start = Date()
        let (after, edits) = try EditorTests.edit(text, path: "big.yaml")
        let seconds = Date().timeIntervalSince(start)
        #expect(edits.edits.count == 1)
        #expect(after.hasSuffix("team/app:v1.4.0@\(EditorTests.digest)\n"))
        print("edited \(text.utf8.count) bytes, \(count) documents, in \(seconds) s")
        #expect(seconds < 60)
    }
}
