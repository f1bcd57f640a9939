import OCI
import Yams

/// Decides, per YAML document, which editor applies, and collects their edits. Flux setter
/// markers come first: where a value has one, the marker decides.
struct ManifestEditor {
    let pin: ImagePin
    let options: EditOptions

    func edits(for source: SourceText) throws -> FileEdits {
        var result = FileEdits(path: source.path, lineStarts: source.lineStarts)
        let match = ImageMatch(pin: pin, replacing: options.replacing)
        try FluxMarkerEditor(source: source, match: match, policy: options.fluxPolicy).edit(source.documents, into: &result)
        let fileName = source.path.split(separator: "/").last.map(String.init) ?? source.path
        let isKustomizationFile = ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains(fileName)
        for document in source.documents {
            let kind = document[key: "kind"]?.scalar?.string
            let isObject = kind != nil && document[key: "apiVersion"] != nil
            let isKustomize = document[key: "apiVersion"]?.scalar?.string.hasPrefix("kustomize.config.k8s.io/") == true
            if (isKustomize && ["Kustomization", "Component"].contains(kind)) || (isKustomizationFile && !isObject) {
                try KustomizationEditor(source: source, match: match, addMissing: options.addKustomizeEntry).edit(document, into: &result)
            } else if isObject {
                try WorkloadEditor(source: source, match: match).edit(document, into: &result)
            } else if case .mapping = document {
                try HelmValuesEditor(source: source, match: match, keys: options.helmKeys).edit(document, into: &result)
            }
        }
        return result
    }
}
