import OCI

/// Which references the pin replaces: those of the published image's repository, and those
/// of the repositories named with `--gitops-match` (an image moving to ECR: `nginx`,
/// `ghcr.io/org/app`), whose registry and repository are rewritten to the image's.
struct ImageMatch: Sendable {
    enum Kind: Equatable {
        /// The published image's own repository: only tag and digest change.
        case image
        /// A repository it replaces: the name changes too.
        case replaced
    }

    let pin: ImagePin
    let replaced: [ImageReference]

    init(pin: ImagePin, replacing: [ImageReference] = []) {
        self.pin = pin
        self.replaced = replacing.map(Self.normalized)
    }

    /// How a reference (or bare name) matches; nil when it names neither.
    func kind(of text: String) -> Kind? {
        ImageReference(parsing: text).flatMap(kind)
    }

    func kind(of reference: ImageReference) -> Kind? {
        let reference = Self.normalized(reference)
        if reference.sameRepository(as: pin.image) { return .image }
        return replaced.contains { reference.sameRepository(as: $0) } ? .replaced : nil
    }

    /// Text one of the matching references must contain (a cheap filter before parsing):
    /// each repository as written, which for Docker Hub's official images is without
    /// `library/` (`nginx` for `docker.io/library/nginx`).
    var needles: [String] {
        ([pin.image] + replaced).map { reference in
            reference.registry == "docker.io" && reference.repository.hasPrefix("library/")
                ? String(reference.repository.dropFirst("library/".count)) : reference.repository
        }
    }

    /// Docker Hub's other host names are `docker.io`.
    private static func normalized(_ reference: ImageReference) -> ImageReference {
        var reference = reference
        if ["index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"].contains(reference.registry.lowercased()) {
            reference.registry = "docker.io"
            if !reference.repository.contains("/") { reference.repository = "library/" + reference.repository }
        }
        return reference
    }
}
