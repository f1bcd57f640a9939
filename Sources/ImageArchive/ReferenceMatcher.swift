import OCI

/// Matches `--image` against the names a tarball gives its images, with Docker's defaults
/// (`alpine` = `alpine:latest` = `docker.io/library/alpine:latest`), through the one
/// reference parser, ``ImageReference``.
enum ReferenceMatcher {
    static func matches(_ reference: String, name: String) -> Bool {
        if reference == name { return true }
        guard let wanted = ImageReference(parsing: reference), let candidate = ImageReference(parsing: name) else { return false }
        return wanted.sameRepository(as: candidate) && wanted.digest == candidate.digest
            && effectiveTag(wanted) == effectiveTag(candidate)
    }

    /// A reference without tag or digest means `latest`.
    private static func effectiveTag(_ reference: ImageReference) -> String? {
        reference.tag ?? (reference.digest == nil ? "latest" : nil)
    }
}
