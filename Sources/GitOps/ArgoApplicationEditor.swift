import OCI
import Yams

/// Argo CD Applications: `kustomize.images` overrides of each source (`spec.source`,
/// `spec.sources[]`), written as `kustomize edit set image` takes them
/// (`[name=]newName[:tag][@digest]`), and Helm `valuesObject` as Helm values.
struct ArgoApplicationEditor {
    let source: SourceText
    let match: ImageMatch
    let helmKeys: [HelmKeyRole: [[String]]]

    func edit(_ document: Node, into result: inout FileEdits) throws {
        guard let spec = document[key: "spec"] else { return }
        var sources = spec[key: "source"].map { [$0] } ?? []
        if case .sequence(let list)? = spec[key: "sources"] { sources += list }
        for item in sources {
            if case .sequence(let images)? = item.value(at: ["kustomize", "images"]) {
                for image in images { if let scalar = image.scalar { try editOverride(scalar, into: &result) } }
            }
            if let values = item.value(at: ["helm", "valuesObject"]) {
                try HelmValuesEditor(source: source, match: match, keys: helmKeys).edit(values, into: &result)
            }
        }
    }

    private func editOverride(_ scalar: Node.Scalar, into result: inout FileEdits) throws {
        let parts = scalar.string.split(separator: "=", maxSplits: 1).map(String.init)
        let old = parts.count == 2 ? parts[0] : nil
        guard let new = parts.last, let reference = ImageReference(parsing: new) else { return }
        let value: String
        if match.kind(of: reference) == .image {
            value = (old.map { "\($0)=" } ?? "") + match.pin.reference
        } else if match.kind(of: reference) == .replaced || old.flatMap(match.kind(of:)) == .replaced {
            // The override now sends the old name to the image.
            value = (old ?? ImageReference(registry: reference.registry, repository: reference.repository).name) + "=" + match.pin.reference
        } else {
            return
        }
        result.matched = true
        guard value != scalar.string else { return }
        result.add(try TextEdit(setting: scalar, to: value, in: source, label: "kustomize image"))
    }
}
