import OCI
import Yams

/// Decides, per YAML document, which editor applies, and collects their edits: kustomizations
/// and Components, Flux Kustomizations (`spec.images`) and HelmReleases (`spec.values`), Argo
/// CD Applications, other Kubernetes objects as workloads, anything else as Helm values. Flux
/// setter markers come first: where a value has one, the marker decides.
struct ManifestEditor {
    let pin: ImagePin
    let options: EditOptions

    func edits(for source: SourceText) throws -> FileEdits {
        var result = FileEdits(path: source.path, lineStarts: source.lineStarts)
        let match = ImageMatch(pin: pin, replacing: options.replacing)
        try FluxMarkerEditor(source: source, match: match, policy: options.fluxPolicy).edit(source.documents, into: &result)
        // With a policy given, only its markers make a file the image's.
        let markedByPolicy = result.matched
        let fileName = source.path.split(separator: "/").last.map(String.init) ?? source.path
        let isKustomizationFile = ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains(fileName)
        for document in source.documents {
            let kind = document[key: "kind"]?.scalar?.string
            let group = document[key: "apiVersion"]?.scalar?.string.split(separator: "/").first.map(String.init)
            let kustomize = { (node: Node, addMissing: Bool) in
                try KustomizationEditor(source: source, match: match, addMissing: addMissing).edit(node, into: &result)
            }
            switch (group, kind) {
            case ("kustomize.config.k8s.io", "Kustomization"?), ("kustomize.config.k8s.io", "Component"?):
                try kustomize(document, options.addKustomizeEntry)
            case _ where isKustomizationFile && (group == nil || kind == nil):
                try kustomize(document, options.addKustomizeEntry)
            case ("kustomize.toolkit.fluxcd.io", "Kustomization"?):
                if let spec = document[key: "spec"] { try kustomize(spec, false) }
            case ("helm.toolkit.fluxcd.io", "HelmRelease"?):
                if let values = document.value(at: ["spec", "values"]) {
                    try HelmValuesEditor(source: source, match: match, keys: options.helmKeys).edit(values, into: &result)
                }
            case ("argoproj.io", "Application"?):
                try ArgoApplicationEditor(source: source, match: match, helmKeys: options.helmKeys).edit(document, into: &result)
            case (_?, _?):
                try WorkloadEditor(source: source, match: match).edit(document, into: &result)
            default:
                if case .mapping = document {
                    try HelmValuesEditor(source: source, match: match, keys: options.helmKeys).edit(document, into: &result)
                }
            }
        }
        if options.fluxPolicy != nil { result.matched = markedByPolicy }
        return result
    }
}
