import OCI

/// How the editors find the image in files that are not Kubernetes workloads.
public struct EditOptions: Sendable, Equatable {
    /// Helm values key paths by role (`--gitops-helm-key ROLE=dotted.path`, repeatable): the
    /// n-th path of each role belongs to the n-th image, and a role given once to all of them.
    /// Empty: every mapping with a `repository` key naming the image (and its sibling
    /// `registry`, `tag`, `digest`) is found automatically.
    public var helmKeys: [HelmKeyRole: [[String]]] = [:]
    /// Add an `images:` entry to kustomization files that have none for the image.
    public var addKustomizeEntry = false
    /// The Flux image policy (`namespace:name`) whose setter markers name this image; when
    /// nil, policies whose full-image marker already names the repository are used.
    public var fluxPolicy: String?
    /// Repositories whose references the image replaces (`--gitops-match`): their registry
    /// and repository are rewritten as well as tag and digest (`nginx` to ECR).
    public var replacing: [ImageReference] = []

    public init() {}
}

/// What a Helm values key holds.
public enum HelmKeyRole: String, Sendable, CaseIterable {
    /// The whole reference, `registry/repo:tag@digest`.
    case image
    case registry
    case repository
    case tag
    case digest
}
