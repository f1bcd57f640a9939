import OCI
import Yams

/// Helm values files: the mapping that names the image's repository (`repository`, with a
/// sibling `registry` where the chart splits them, and Bitnami's `global.imageRegistry`
/// over it) gets the new `tag` and, where the chart has one, `digest`; a repository the image
/// replaces (`--gitops-match`) gets the new registry and repository too. Key paths can be
/// given explicitly (`--gitops-helm-key tag=app.image.tag`).
struct HelmValuesEditor {
    let source: SourceText
    let match: ImageMatch
    let keys: [HelmKeyRole: [[String]]]
    private var pin: ImagePin { match.pin }

    init(source: SourceText, match: ImageMatch, keys: [HelmKeyRole: [[String]]]) {
        self.source = source
        self.match = match
        self.keys = keys
    }

    /// The fields of one image in the values.
    private struct Fields {
        var registry: Node.Scalar?
        var repository: Node.Scalar
        var tag: Node.Scalar?
        var digest: Node.Scalar?
    }

    func edit(_ document: Node, into result: inout FileEdits) throws {
        let global = document.value(at: ["global", "imageRegistry"])?.scalar
        if keys.isEmpty {
            try visit(document, global: global, into: &result)
        } else {
            try editConfigured(document, global: global, into: &result)
        }
    }

    /// Every mapping with a `repository` key, at any depth.
    private func visit(_ node: Node, global: Node.Scalar?, into result: inout FileEdits) throws {
        switch node {
        case .mapping(let mapping):
            if let repository = node[key: "repository"]?.scalar {
                try editImage(Fields(registry: node[key: "registry"]?.scalar, repository: repository,
                                     tag: node[key: "tag"]?.scalar, digest: node[key: "digest"]?.scalar),
                              global: global, into: &result)
            }
            for (_, value) in mapping { try visit(value, global: global, into: &result) }
        case .sequence(let sequence):
            for item in sequence { try visit(item, global: global, into: &result) }
        default:
            break
        }
    }

    private func editConfigured(_ document: Node, global: Node.Scalar?, into result: inout FileEdits) throws {
        for index in 0..<(keys.values.map(\.count).max() ?? 0) {
            let scalar = { (role: HelmKeyRole) -> Node.Scalar? in
                guard let paths = keys[role], !paths.isEmpty else { return nil }
                let path = paths.count == 1 ? paths[0] : index < paths.count ? paths[index] : nil
                return path.flatMap { document.value(at: $0)?.scalar }
            }
            if let image = scalar(.image), match.kind(of: image.string) != nil {
                result.matched = true
                try set(image, to: pin.reference, role: "image", into: &result)
            }
            if let repository = scalar(.repository) {
                try editImage(Fields(registry: scalar(.registry), repository: repository, tag: scalar(.tag), digest: scalar(.digest)),
                              global: global, into: &result)
            }
        }
    }

    private func editImage(_ fields: Fields, global: Node.Scalar?, into result: inout FileEdits) throws {
        // Bitnami charts: a non-empty global.imageRegistry is the registry of every image.
        let globalRegistry = fields.registry != nil ? global.flatMap { $0.string.isEmpty ? nil : $0 } : nil
        let repository = fields.repository.string
        let registry = fields.registry.map(\.string) ?? ""
        let names = (globalRegistry.map { ["\($0.string)/\(repository)"] } ?? []) + [registry.isEmpty ? repository : "\(registry)/\(repository)"]
        // What the chart renders, or failing that what the values say.
        guard let (name, kind) = names.lazy.compactMap({ name in
            ImageReference(parsing: name).flatMap { $0.tag == nil ? match.kind(of: $0) : nil }.map { (name, $0) }
        }).first else { return }
        result.matched = true
        if kind == .replaced {
            if let registryField = fields.registry {
                if let globalRegistry, globalRegistry.string.lowercased() != pin.image.registry.lowercased() {
                    throw GitOpsError.uneditableValue(
                        file: source.path, line: globalRegistry.mark?.line ?? 0,
                        detail: "global.imageRegistry (\(globalRegistry.string)) sets the registry of every image of the chart, "
                            + "so \(name) cannot move to \(pin.image.registry) alone; set it to \(pin.image.registry) or clear it")
                }
                try set(registryField, to: pin.image.registry, role: "registry", into: &result)
                try set(fields.repository, to: pin.image.repository, role: "repository", into: &result)
            } else {
                try set(fields.repository, to: pin.image.name, role: "repository", into: &result)
            }
        }
        if let digest = fields.digest {
            if let tag = fields.tag, pin.mode != .digest { try set(tag, to: pin.tag, role: "tag", into: &result) }
            try set(digest, to: pin.mode == .tag ? "" : pin.digest.description, role: "digest", into: &result)
        } else if let tag = fields.tag {
            try set(tag, to: pin.tagFieldValue, role: "tag", into: &result)
        } else {
            result.warnings.append("\(source.path):\(fields.repository.mark?.line ?? 0): \(name) has no tag key to set")
        }
    }

    private func set(_ scalar: Node.Scalar, to value: String, role: String, into result: inout FileEdits) throws {
        guard scalar.string != value else { return }
        result.add(try TextEdit(setting: scalar, to: value, in: source, label: role))
    }
}
