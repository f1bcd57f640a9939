/// One entry of a docker-archive `manifest.json`.
struct DockerArchiveManifestEntry: Decodable, Sendable {
    var config: String
    var repoTags: [String]?
    var layers: [String]

    enum CodingKeys: String, CodingKey {
        case config = "Config"
        case repoTags = "RepoTags"
        case layers = "Layers"
    }
}
