import OCI

/// Matches `--image` against the names a tarball gives its images, the way Docker
/// normalizes references (`alpine` = `alpine:latest` = `docker.io/library/alpine:latest`).
enum ReferenceMatcher {
    static func matches(_ reference: String, name: String) -> Bool {
        if reference == name { return true }
        return normalize(reference) == normalize(name)
    }

    /// `registry/path:tag` with Docker Hub's defaults filled in.
    static func normalize(_ reference: String) -> String {
        var name = reference
        var suffix = ""
        if let at = name.firstIndex(of: "@") {
            suffix = String(name[at...])
            name = String(name[..<at])
        }
        let lastSlash = name.lastIndex(of: "/")
        let lastColon = name.lastIndex(of: ":")
        if let colon = lastColon, lastSlash.map({ colon > $0 }) ?? true {
            suffix = String(name[colon...]) + suffix
            name = String(name[..<colon])
        } else if suffix.isEmpty {
            suffix = ":latest"
        }
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        if components.count == 1 {
            name = "docker.io/library/" + name
        } else if let first = components.first, !(first.contains(".") || first.contains(":") || first == "localhost") {
            name = "docker.io/" + name
        }
        return name + suffix
    }
}
