import OCI
import Yams

/// Helm values files: the mapping that names the image's repository (`repository`, with a
/// sibling `registry` where the chart splits them) gets the new `tag` and, where the chart
/// has one, `digest`. Key paths can be given explicitly (`--gitops-helm-key tag=app.image.tag`).
struct HelmValuesEditor {
    let source: SourceText
    let pin: ImagePin
    let keys: [HelmKeyRole: [String]]

    func edit(_ document: Node, into result: inout FileEdits) throws {
        if keys.isEmpty {
            try visit(document, into: &result)
        } else {
            try editConfigured(document, into: &result)
        }
    }

    /// Every mapping with a `repository` key, at any depth.
    private func visit(_ node: Node, into result: inout FileEdits) throws {
        switch node {
        case .mapping(let mapping):
            if let repository = node[key: "repository"]?.scalar {
                try editImage(
                    registry: node[key: "registry"]?.scalar, repository: repository,
                    tag: node[key: "tag"]?.scalar, digest: node[key: "digest"]?.scalar, into: &result)
            }
            for (_, value) in mapping { try visit(value, into: &result) }
        case .sequence(let sequence):
            for item in sequence { try visit(item, into: &result) }
        default:
            break
        }
    }

    private func editConfigured(_ document: Node, into result: inout FileEdits) throws {
        let scalar = { (role: HelmKeyRole) in keys[role].flatMap { document.value(at: $0)?.scalar } }
        if let image = scalar(.image), let current = ImageReference(parsing: image.string), current.sameRepository(as: pin.image) {
            result.matched = true
            try set(image, to: pin.reference, role: "image", into: &result)
        }
        if let repository = scalar(.repository) {
            try editImage(registry: scalar(.registry), repository: repository, tag: scalar(.tag), digest: scalar(.digest), into: &result)
        }
    }

    private func editImage(
        registry: Node.Scalar?, repository: Node.Scalar, tag: Node.Scalar?, digest: Node.Scalar?, into result: inout FileEdits
    ) throws {
        let name = registry.map { "\($0.string)/\(repository.string)" } ?? repository.string
        guard let reference = ImageReference(parsing: name), reference.tag == nil, reference.sameRepository(as: pin.image) else { return }
        result.matched = true
        if let digest {
            if let tag, pin.mode != .digest { try set(tag, to: pin.tag, role: "tag", into: &result) }
            try set(digest, to: pin.mode == .tag ? "" : pin.digest.description, role: "digest", into: &result)
        } else if let tag {
            try set(tag, to: pin.tagFieldValue, role: "tag", into: &result)
        } else {
            result.warnings.append("\(source.path):\(repository.mark?.line ?? 0): \(name) has no tag key to set")
        }
    }

    private func set(_ scalar: Node.Scalar, to value: String, role: String, into result: inout FileEdits) throws {
        guard scalar.string != value else { return }
        result.add(TextEdit(
            range: try source.span(of: scalar), replacement: SourceText.quoted(value, like: scalar.style),
            summary: "\(source.path):\(scalar.mark?.line ?? 0) \(role) \(scalar.string) -> \(value)",
            changes: [.set(.init(scalar: scalar), to: value)]))
    }
}
