import OCI
import Yams

/// Decides, per YAML document, which editor applies, and collects their edits. Flux setter
/// markers come first: where a value has one, the marker decides.
struct ManifestEditor {
    let pin: ImagePin
    let options: EditOptions

    func edits(for source: SourceText) throws -> FileEdits {
        var result = FileEdits(path: source.path, lineStarts: source.lineStarts)
        try FluxMarkerEditor(source: source, pin: pin, policy: options.fluxPolicy).edit(source.documents, into: &result)
        let fileName = source.path.split(separator: "/").last.map(String.init) ?? source.path
        let isKustomizationFile = ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains(fileName)
        for document in source.documents {
            let kind = document[key: "kind"]?.scalar?.string
            let isObject = kind != nil && document[key: "apiVersion"] != nil
            if kind == "Kustomization" || (isKustomizationFile && !isObject) || (isKustomizationFile && kind == "Kustomization") {
                try KustomizationEditor(source: source, pin: pin, addMissing: options.addKustomizeEntry).edit(document, into: &result)
            } else if isObject {
                try WorkloadEditor(source: source, pin: pin).edit(document, into: &result)
            } else if case .mapping = document {
                try HelmValuesEditor(source: source, pin: pin, keys: options.helmKeys).edit(document, into: &result)
            }
        }
        return result
    }
}
