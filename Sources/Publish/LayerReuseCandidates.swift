import Foundation
import OCI
import Registry

/// The registry as a cache, for runners that start empty: the repository's previous image
/// (the first of the run's tags that exists, rolling tags such as `main-latest` first) read
/// before the pass, its configs' diffIDs paired with its manifests' layer blobs, platform by
/// platform for an index. Only gzip layers count: they are what a push of ours would make.
enum LayerReuseCandidates {
    /// At most this many platforms of an index are read.
    static let maxPlatforms = 32

    /// diffID → the blob the previous image has for it, and the tag that image was found by.
    static func previousImage(
        client: RegistryClient, repository: String, tags: [String], rolling: Set<String>
    ) async throws -> (tag: String, blobs: [Digest: Descriptor])? {
        let ordered = tags.filter { rolling.contains($0) } + tags.filter { !rolling.contains($0) }
        for tag in ordered {
            guard let (descriptor, bytes) = try await client.manifest(tag, in: repository) else { continue }
            var blobs: [Digest: Descriptor] = [:]
            for manifest in try await manifests(descriptor, bytes: bytes, client: client, repository: repository) {
                try await pair(manifest, client: client, repository: repository, into: &blobs)
            }
            return (tag, blobs)
        }
        return nil
    }

    /// The image manifests of a manifest or index.
    private static func manifests(
        _ descriptor: Descriptor, bytes: [UInt8], client: RegistryClient, repository: String
    ) async throws -> [ImageManifest] {
        struct Probe: Decodable { var manifests: [Descriptor]? }
        let probe = try? JSONDecoder().decode(Probe.self, from: Data(bytes))
        guard let children = probe?.manifests else {
            return (try? JSONDecoder().decode(ImageManifest.self, from: Data(bytes))).map { [$0] } ?? []
        }
        var manifests: [ImageManifest] = []
        for child in children.prefix(maxPlatforms) where MediaType.isManifest(child.mediaType) {
            guard let (_, childBytes) = try await client.manifest(child.digest.description, in: repository),
                  let manifest = try? JSONDecoder().decode(ImageManifest.self, from: Data(childBytes)) else { continue }
            manifests.append(manifest)
        }
        return manifests
    }

    /// Pairs each gzip layer of `manifest` with its config's diffID.
    private static func pair(
        _ manifest: ImageManifest, client: RegistryClient, repository: String, into blobs: inout [Digest: Descriptor]
    ) async throws {
        guard manifest.layers.contains(where: { isGzip($0.mediaType) }),
              let configBytes = try await client.blob(manifest.config.digest, in: repository),
              let config = try? JSONDecoder().decode(ImageConfig.self, from: Data(configBytes)),
              config.rootfs.diffIDs.count == manifest.layers.count else { return }
        for (diffID, layer) in zip(config.rootfs.diffIDs, manifest.layers) where isGzip(layer.mediaType) && blobs[diffID] == nil {
            blobs[diffID] = Descriptor(mediaType: layer.mediaType, digest: layer.digest, size: layer.size)
        }
    }

    static func isGzip(_ mediaType: String) -> Bool {
        mediaType == MediaType.ociLayerGzip || mediaType == MediaType.dockerLayerGzip
    }
}
