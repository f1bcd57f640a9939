import OCI
import Yams

/// Kubernetes workloads: every `image:` of a `containers`, `initContainers` or
/// `ephemeralContainers` list anywhere in the object (Deployment, StatefulSet, DaemonSet,
/// Job, CronJob, Pod, and custom resources with pod templates), when it names the image's
/// repository (or one it replaces), gets the pinned reference.
struct WorkloadEditor {
    let source: SourceText
    let match: ImageMatch
    private var pin: ImagePin { match.pin }

    init(source: SourceText, match: ImageMatch) {
        self.source = source
        self.match = match
    }

    func edit(_ document: Node, into result: inout FileEdits) throws {
        try visit(document, into: &result)
    }

    private func visit(_ node: Node, into result: inout FileEdits) throws {
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                if let name = key.scalar?.string, ["containers", "initContainers", "ephemeralContainers"].contains(name),
                   case .sequence(let containers) = value {
                    for container in containers { try editContainer(container, into: &result) }
                } else {
                    try visit(value, into: &result)
                }
            }
        case .sequence(let sequence):
            for item in sequence { try visit(item, into: &result) }
        default:
            break
        }
    }

    private func editContainer(_ container: Node, into result: inout FileEdits) throws {
        guard let scalar = container[key: "image"]?.scalar, let current = ImageReference(parsing: scalar.string),
              let kind = match.kind(of: current) else { return }
        result.matched = true
        let value: String
        if kind == .image {
            // Keep the spelling of the name as written (registry case, etc.).
            let name = String(scalar.string.prefix(while: { $0 != "@" }))
            value = (current.tag.map { String(name.dropLast($0.count + 1)) } ?? name) + pin.suffix
        } else {
            value = pin.reference
        }
        guard value != scalar.string else { return }
        result.add(try TextEdit(setting: scalar, to: value, in: source, label: "image"))
    }
}
