/// One entry of a docker-archive `manifest.json`.
///
/// Keys match without regard to case, preferring an exact match, as `docker load` (Go's
/// `encoding/json`) and skopeo read them: jib before 2.3 wrote `config`, `repoTags`, `layers`.
struct DockerArchiveManifestEntry: Decodable, Sendable {
    var config: String
    var repoTags: [String]?
    var layers: [String]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        func key(_ name: String) -> Key? {
            let keys = container.allKeys
            return keys.first { $0.stringValue == name }
                ?? keys.first { $0.stringValue.lowercased() == name.lowercased() }
        }
        guard let configKey = key("Config") else {
            throw DecodingError.keyNotFound(Key(stringValue: "Config"), .init(codingPath: container.codingPath, debugDescription: "missing"))
        }
        config = try container.decode(String.self, forKey: configKey)
        layers = try key("Layers").flatMap { try container.decodeIfPresent([String].self, forKey: $0) } ?? []
        repoTags = try key("RepoTags").flatMap { try container.decodeIfPresent([String].self, forKey: $0) }
    }
}
