@testable import GitOps
import OCI
import Testing

/// Whole-file comparisons: only the value's bytes change; comments, quotes, indentation,
/// key order, document separators and trailing newlines stay as they were.
@Suite struct EditorTests {
    static let registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    static let digest = Digest("sha256:" + String(repeating: "ab", count: 32))!
    static let oldDigest = "sha256:" + String(repeating: "01", count: 32)

    static func pin(_ mode: PinMode = .tagAndDigest, tag: String = "v1.4.0") -> ImagePin {
        ImagePin(image: ImageReference(registry: registry, repository: "team/app"), tag: tag, digest: digest, mode: mode)
    }

    static func edit(_ text: String, path: String = "deploy.yaml", pin: ImagePin = pin(), options: EditOptions = EditOptions()) throws -> (String, FileEdits) {
        let source = try SourceText(path: path, bytes: Array(text.utf8))
        let edits = try ManifestEditor(pin: pin, options: options).edits(for: source)
        return (String(decoding: TextEdit.apply(edits.edits, to: source.bytes), as: UTF8.self), edits)
    }

    @Test func multiDocumentWorkloadsKeepEverythingButTheValue() throws {
        let before = """
            # Production deployment — managed by GitOps
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app   # the app
            spec:
              template:
                spec:
                  initContainers:
                    - name: migrate
                      image: "\(Self.registry)/team/app:v1.3.0"   # same image, quoted
                  containers:
                    - name: app
                      image: \(Self.registry)/team/app:v1.3.0@\(Self.oldDigest)
                    - name: sidecar
                      image: public.ecr.aws/nginx/nginx:1.25
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: report}
            spec:
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers:
                      - name: report
                        image: '\(Self.registry)/team/app'
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: other
            spec:
              containers:
              - name: other
                image: \(Self.registry)/team/other:v1.3.0
            """
        let new = "\(Self.registry)/team/app:v1.4.0@\(Self.digest)"
        let expected = before
            .replacingOccurrences(of: "\"\(Self.registry)/team/app:v1.3.0\"", with: "\"\(new)\"")
            .replacingOccurrences(of: "\(Self.registry)/team/app:v1.3.0@\(Self.oldDigest)", with: new)
            .replacingOccurrences(of: "'\(Self.registry)/team/app'", with: "'\(new)'")
        let (after, edits) = try Self.edit(before)
        #expect(after == expected)
        #expect(edits.edits.count == 3)
        #expect(after.contains("public.ecr.aws/nginx/nginx:1.25"))
        #expect(after.contains("team/other:v1.3.0"))
    }

    @Test(arguments: [(PinMode.digest, "@\(digest)"), (.tag, ":v2"), (.tagAndDigest, ":v2@\(digest)")])
    func pinModes(mode: PinMode, suffix: String) throws {
        let before = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: \(Self.registry)/team/app:v1\n"
        let (after, _) = try Self.edit(before, pin: Self.pin(mode, tag: "v2"))
        #expect(after == "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: \(Self.registry)/team/app\(suffix)\n")
    }

    @Test func alreadyPinnedMeansNoEditButAMatch() throws {
        let before = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: \(Self.pin().reference)\n"
        let (after, edits) = try Self.edit(before)
        #expect(after == before)
        #expect(edits.matched && edits.edits.isEmpty)
    }

    @Test func crlfAndMissingTrailingNewlineArePreserved() throws {
        let before = "apiVersion: v1\r\nkind: Pod\r\nspec:\r\n  containers:\r\n  - image: \(Self.registry)/team/app:old # pinned\r\n  - image: busybox"
        let (after, _) = try Self.edit(before)
        #expect(after == before.replacingOccurrences(of: "team/app:old", with: "team/app:v1.4.0@\(Self.digest)"))
    }

    @Test func kustomizationSetsTagAndDigest() throws {
        let before = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - deployment.yaml
            images:
              - name: app            # placeholder used in deployment.yaml
                newName: \(Self.registry)/team/app
                newTag: v1.3.0
              - name: nginx
                newTag: "1.25"
            """
        let (after, edits) = try Self.edit(before, path: "overlays/prod/kustomization.yaml")
        let expected = before
            .replacingOccurrences(of: "    newTag: v1.3.0", with: "    newTag: v1.4.0\n    digest: \(Self.digest)")
        #expect(after == expected)
        #expect(edits.matched)
    }

    @Test func kustomizationTagModeRemovesAStaleDigest() throws {
        let before = "images:\n- name: \(Self.registry)/team/app\n  newTag: v1\n  digest: \(Self.oldDigest)\n- name: other\n  newTag: x\n"
        let (after, _) = try Self.edit(before, path: "kustomization.yaml", pin: Self.pin(.tag, tag: "v2"))
        #expect(after == "images:\n- name: \(Self.registry)/team/app\n  newTag: v2\n- name: other\n  newTag: x\n")
        let (digestOnly, _) = try Self.edit(before, path: "kustomization.yaml", pin: Self.pin(.digest))
        #expect(digestOnly == "images:\n- name: \(Self.registry)/team/app\n  digest: \(Self.digest)\n- name: other\n  newTag: x\n")
    }

    @Test func kustomizationEntryIsAddedWhenAsked() throws {
        let before = "resources:\n- deployment.yaml\nimages:\n- name: other\n  newTag: x\n"
        var options = EditOptions()
        let (untouched, edits) = try Self.edit(before, path: "kustomization.yaml")
        #expect(untouched == before && !edits.matched)
        options.addKustomizeEntry = true
        let (after, _) = try Self.edit(before, path: "kustomization.yaml", options: options)
        #expect(after == before + "- name: \(Self.registry)/team/app\n  newTag: v1.4.0\n  digest: \(Self.digest)\n")
        let (created, _) = try Self.edit("resources:\n- deployment.yaml\n", path: "kustomization.yaml", options: options)
        #expect(created == "resources:\n- deployment.yaml\nimages:\n- name: \(Self.registry)/team/app\n  newTag: v1.4.0\n  digest: \(Self.digest)\n")
    }

    @Test func helmValuesFoundAutomatically() throws {
        let before = """
            replicaCount: 2
            image:
              repository: \(Self.registry)/team/app
              tag: "v1.3.0"   # set by CI
              pullPolicy: IfNotPresent
            worker:
              image:
                registry: \(Self.registry)
                repository: team/app
                tag: v1.3.0
                digest: ""
            redis:
              image:
                repository: bitnami/redis
                tag: 7.2.4
            """
        let (after, edits) = try Self.edit(before, path: "values-prod.yaml")
        let expected = before
            .replacingOccurrences(of: "  tag: \"v1.3.0\"   # set by CI", with: "  tag: \"v1.4.0@\(Self.digest)\"   # set by CI")
            .replacingOccurrences(of: "    tag: v1.3.0\n    digest: \"\"", with: "    tag: v1.4.0\n    digest: \"\(Self.digest)\"")
        #expect(after == expected)
        #expect(edits.edits.count == 3)
        #expect(after.contains("tag: 7.2.4"))
    }

    @Test func helmValuesWithConfiguredKeys() throws {
        let before = "app:\n  img:\n    repo: \(Self.registry)/team/app\n    version: v1\n"
        var options = EditOptions()
        options.helmKeys = [.repository: [["app", "img", "repo"]], .tag: [["app", "img", "version"]]]
        let (after, _) = try Self.edit(before, path: "values.yaml", pin: Self.pin(.tag), options: options)
        #expect(after == "app:\n  img:\n    repo: \(Self.registry)/team/app\n    version: v1.4.0\n")
        // A role repeated: the n-th paths of the roles name the n-th image.
        let two = before + "worker:\n  img:\n    repo: \(Self.registry)/team/app\n    version: v1\n"
        options.helmKeys = [.repository: [["app", "img", "repo"], ["worker", "img", "repo"]],
                            .tag: [["app", "img", "version"], ["worker", "img", "version"]]]
        let (both, _) = try Self.edit(two, path: "values.yaml", pin: Self.pin(.tag), options: options)
        #expect(both == two.replacingOccurrences(of: "version: v1\n", with: "version: v1.4.0\n"))
    }

    @Test func fluxSetterMarkers() throws {
        let before = """
            apiVersion: apps/v1
            kind: Deployment
            spec:
              template:
                spec:
                  containers:
                  - name: app
                    image: \(Self.registry)/team/app:v1.3.0 # {"$imagepolicy": "flux-system:app"}
            ---
            # values for the chart
            app:
              tag: v1.3.0 # {"$imagepolicy": "flux-system:app:tag"}
              name: \(Self.registry)/team/app # {"$imagepolicy": "flux-system:app:name"}
            other:
              tag: v9 # {"$imagepolicy": "flux-system:other:tag"}
            """
        let (after, _) = try Self.edit(before, path: "apps.yaml")
        let expected = before
            .replacingOccurrences(of: "team/app:v1.3.0 #", with: "team/app:v1.4.0@\(Self.digest) #")
            .replacingOccurrences(of: "  tag: v1.3.0 #", with: "  tag: v1.4.0@\(Self.digest) #")
        #expect(after == expected)
    }

    @Test func malformedYAMLIsAClearError() throws {
        #expect {
            try Self.edit("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: [unclosed\n")
        } throws: { error in
            guard case GitOpsError.malformedYAML(let file, let line, _) = error else { return false }
            return file == "deploy.yaml" && line != nil
        }
    }

    @Test func blockScalarImagesAreRefusedNotReformatted() throws {
        #expect {
            try Self.edit("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: >\n      \(Self.registry)/team/app:v1\n")
        } throws: { error in
            if case GitOpsError.uneditableValue = error { return true }
            return false
        }
    }

    @Test func commitMessageTemplate() {
        let message = CommitMessage().render(pin: Self.pin(), commit: "abc123", runURL: nil)
        #expect(message == "Deploy team/app:v1.4.0\n\nImage: \(Self.pin().reference)\nSource commit: abc123\n")
        let custom = CommitMessage(template: "chore: {repository} {tag} ({digest})").render(pin: Self.pin(.tag), commit: nil, runURL: nil)
        #expect(custom == "chore: team/app v1.4.0 (\(Self.digest))\n")
    }

    @Test func imageReferences() throws {
        let reference = try #require(ImageReference(parsing: "\(Self.registry)/team/app:v1@\(Self.digest)"))
        #expect(reference.registry == Self.registry && reference.repository == "team/app" && reference.tag == "v1")
        #expect(ImageReference(parsing: "nginx")?.name == "docker.io/library/nginx")
        #expect(ImageReference(parsing: "localhost:5000/a/b:c")?.registry == "localhost:5000")
        #expect(ImageReference(parsing: "bad@sha256:xyz") == nil)
    }
}
