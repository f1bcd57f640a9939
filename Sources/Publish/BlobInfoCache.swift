import Crypto
import Foundation
import ImageArchive
import OCI

/// What earlier runs learned, on local disk: for each layer's uncompressed content (its
/// diffID), the gzip blob pushed for it, per registry and repository; and for classic
/// `docker save` members (`<id>/layer.tar`, whose names do not say their content), the
/// diffID each had. It lets a repeat push skip compressing layers the registry holds, and
/// mount a blob from another repository of the same registry.
///
/// One small file per entry, written to a temporary name and renamed, so concurrent runs
/// never see half an entry; an entry that cannot be read is ignored with a warning; the
/// number of entries is bounded (oldest removed first).
///
/// ```
/// DIR/blob-info-v1/<registry>/<diffID hex>/<repository, / as +>.json  {"digest","size","mediaType"}
/// DIR/layer-members-v1/<sha256 of path and size>.json                  {"path","size","diffID"}
/// ```
struct BlobInfoCache: Sendable {
    /// A blob one repository holds for a diffID.
    struct Entry: Codable, Sendable, Equatable {
        var digest: Digest
        var size: Int64
        var mediaType: String
    }

    private struct Member: Codable {
        var path: String
        var size: Int64
        var diffID: Digest
    }

    let root: String
    /// Entries kept per registry (diffIDs) and for members; beyond it the oldest go.
    var limit = 4096
    /// Said once for each entry or directory that could not be read or written.
    let warn: @Sendable (String) -> Void
    private let said = SaidOnce()

    init(root: String, warn: @escaping @Sendable (String) -> Void) {
        self.root = root
        self.warn = warn
    }

    /// `$XDG_CACHE_HOME/ecr-publish`, else `~/.cache/ecr-publish`; nil without either.
    static func defaultDirectory(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/ecr-publish" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/ecr-publish" }
        return nil
    }

    // MARK: - Blobs by diffID

    /// Every repository of `registry` known to hold a blob for `diffID`, `repository` first.
    func blobs(forDiffID diffID: Digest, registry: String, preferring repository: String) -> [(repository: String, entry: Entry)] {
        let directory = diffIDDirectory(diffID, registry: registry)
        guard let names = try? FileSystem.list(directory) else { return [] }
        var found: [(repository: String, entry: Entry)] = []
        for name in names.prefix(64) where name.hasSuffix(".json") {
            let repository = Self.repository(fromFileName: String(name.dropLast(5)))
            guard let entry: Entry = read(directory + "/" + name) else { continue }
            found.append((repository, entry))
        }
        return found.filter { $0.repository == repository } + found.filter { $0.repository != repository }
    }

    /// Remembers that `repository` of `registry` holds `entry` for `diffID`.
    func record(_ entry: Entry, forDiffID diffID: Digest, registry: String, repository: String) {
        let directory = diffIDDirectory(diffID, registry: registry)
        write(entry, to: directory + "/" + Self.fileName(repository: repository) + ".json", directory: directory)
        prune(root + "/blob-info-v1/" + Self.component(registry))
    }

    // MARK: - Classic members

    /// The diffID the member `path` of `size` bytes had in an earlier run.
    func diffID(forMember path: String, size: Int64) -> Digest? {
        guard let member: Member = read(memberFile(path: path, size: size)), member.path == path, member.size == size else { return nil }
        return member.diffID
    }

    /// Remembers the diffID of a member whose name does not say it.
    func remember(member path: String, size: Int64, diffID: Digest) {
        let directory = root + "/layer-members-v1"
        write(Member(path: path, size: size, diffID: diffID), to: memberFile(path: path, size: size), directory: directory)
        prune(directory)
    }

    /// Whether any blob of `registry` is remembered.
    func knowsBlobs(in registry: String) -> Bool {
        guard let names = try? FileSystem.list(root + "/blob-info-v1/" + Self.component(registry)) else { return false }
        return !names.isEmpty
    }

    // MARK: - Files

    private func diffIDDirectory(_ diffID: Digest, registry: String) -> String {
        root + "/blob-info-v1/" + Self.component(registry) + "/" + diffID.hex
    }

    private func memberFile(path: String, size: Int64) -> String {
        root + "/layer-members-v1/" + SHA256Hasher.digest(Array("\(path)\n\(size)".utf8)).hex + ".json"
    }

    /// A registry host (`host:port`) as one path component.
    static func component(_ registry: String) -> String {
        let safe = registry.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || ".-:".unicodeScalars.contains($0) }
        guard safe, !registry.isEmpty, !registry.hasPrefix(".") else { return "h-" + SHA256Hasher.digest(Array(registry.utf8)).hex }
        return registry.replacingOccurrences(of: ":", with: "_")
    }

    /// A repository name (`team/app`) as a file name (`team+app`); `+` is not allowed in
    /// repository names, so the mapping is one to one.
    static func fileName(repository: String) -> String {
        repository.replacingOccurrences(of: "/", with: "+")
    }

    static func repository(fromFileName name: String) -> String {
        name.replacingOccurrences(of: "+", with: "/")
    }

    private func read<T: Decodable>(_ path: String) -> T? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 4097), data.count <= 4096,
              let value = try? JSONDecoder().decode(T.self, from: data) else {
            if said.first(path) {
                warn("ignored the blob-info cache entry \(path): it is not a valid entry (remove it, or the cache directory, to silence this)")
            }
            return nil
        }
        return value
    }

    private func write<T: Encodable>(_ value: T, to path: String, directory: String) {
        do {
            try FileSystem.makeDirectories(directory)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try FileSystem.writeFile(path, Array(try encoder.encode(value)))
        } catch {
            if said.first(root) { warn("could not write the blob-info cache in \(root): \(error); the next run compresses again") }
        }
    }

    /// Keeps at most ``limit`` entries under `directory`, removing the least recently written.
    private func prune(_ directory: String) {
        guard let names = try? FileSystem.list(directory), names.count > limit else { return }
        let aged = names.map { name -> (String, Int) in
            var info = stat()
            let time = lstat(directory + "/" + name, &info) == 0 ? Int(info.st_mtim.tv_sec) : 0
            return (name, time)
        }.sorted { $0.1 < $1.1 }
        for (name, _) in aged.prefix(names.count - limit * 3 / 4) {
            FileSystem.removeTree(directory + "/" + name)
        }
    }
}

extension BlobInfoCache {
    /// Remembers every gzip layer of a pushed artifact: its blob for `repository` of
    /// `registry`, and the diffID of each member whose name does not say it.
    func record(_ artifact: PreparedArtifact, registry: String, repository: String) {
        var seen = Set<Digest>()
        for image in artifact.images {
            for layer in image.layers where seen.insert(layer.diffID).inserted && LayerReuseCandidates.isGzip(layer.descriptor.mediaType) {
                let entry = Entry(digest: layer.descriptor.digest, size: layer.descriptor.size, mediaType: layer.descriptor.mediaType)
                if blobs(forDiffID: layer.diffID, registry: registry, preferring: repository).first
                    .map({ $0.repository != repository || $0.entry != entry }) ?? true {
                    record(entry, forDiffID: layer.diffID, registry: registry, repository: repository)
                }
                if layer.action != .kept, MemberName.digest(layer.sourcePath) == nil,
                   diffID(forMember: layer.sourcePath, size: layer.uncompressedSize) != layer.diffID {
                    remember(member: layer.sourcePath, size: layer.uncompressedSize, diffID: layer.diffID)
                }
            }
        }
    }
}

/// Remembers which warnings were given, so each is said once a run.
private final class SaidOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: Set<String> = []

    /// True the first time `key` is asked about.
    func first(_ key: String) -> Bool { lock.withLock { keys.insert(key).inserted } }
}
