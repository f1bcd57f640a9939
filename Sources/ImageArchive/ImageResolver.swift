import Crypto
import Foundation
import OCI

/// Turns what the pass collected into the image to publish: finds the image the user asked
/// for, checks every digest the tarball claims (blob digests, sizes, diffIDs), and builds the
/// manifests for the compressed layers.
struct ImageResolver {
    let contents: ArchiveContents
    let format: ManifestFormat
    let label: String
    let limits: ArchiveLimits
    /// Only this platform (`--platform`).
    var platform: Platform?

    private struct Candidate {
        enum Target {
            case descriptor(Descriptor)
            case platforms([Descriptor])
            case docker(DockerArchiveManifestEntry)
        }
        var names: [String]
        var target: Target
        /// The digest that names it for --image (manifest, or config for docker save).
        var digest: Digest?
        var display: String { names.first ?? digest?.description ?? "(unnamed)" }
    }

    /// How to tell the candidates apart: their names, with digests where names repeat.
    private static func displays(_ candidates: [Candidate]) -> [String] {
        let counts = Dictionary(candidates.map { ($0.display, 1) }, uniquingKeysWith: +)
        return candidates.map { candidate in
            guard counts[candidate.display, default: 0] > 1, let digest = candidate.digest,
                  candidate.display != digest.description else { return candidate.display }
            return "\(candidate.display) (--image \(digest))"
        }
    }

    func resolve(selecting reference: String?) throws -> LoadedArchive {
        let sourceFormat: SourceFormat
        let candidates: [Candidate]
        if contents.metadata(at: "oci-layout") != nil, contents.metadata(at: "index.json") != nil {
            let hasDockerManifest = contents.metadata(at: "manifest.json") != nil
            sourceFormat = hasDockerManifest ? .dockerOCIArchive : .ociArchive
            let named = try ociCandidates()
            // `docker save IMAGE_ID` leaves the OCI index empty; manifest.json still names
            // the image, and `docker load` reads it from there.
            candidates = named.isEmpty && hasDockerManifest ? try dockerCandidates() : named
        } else if contents.metadata(at: "manifest.json") != nil {
            sourceFormat = .dockerArchive
            candidates = try dockerCandidates()
        } else {
            throw ArchiveError.noImage("\(label) has neither manifest.json (docker save) nor oci-layout and index.json (OCI archive)")
        }
        guard !candidates.isEmpty else { throw ArchiveError.noImage("the manifest of \(label) lists no image") }
        let chosen = try choose(from: candidates, reference: reference)
        var notes: [String] = []
        let artifact: PreparedArtifact
        switch chosen.target {
        case .docker(let entry):
            artifact = .image(try prepareDocker(entry, name: chosen.names.first))
        case .descriptor(let descriptor):
            artifact = try prepare(descriptor, name: chosen.names.first, notes: &notes)
        case .platforms(let descriptors):
            artifact = try prepareIndex(original: nil, children: descriptors, name: chosen.names.first, notes: &notes)
        }
        if let platform, case .image(let image) = artifact, let actual = image.platform, !platform.accepts(actual) {
            throw ArchiveError.platformNotFound(requested: platform.description, available: [actual.description])
        }
        return LoadedArchive(
            format: sourceFormat, candidates: Self.displays(candidates), artifact: artifact, notes: notes)
    }

    // MARK: - Finding the image

    private func choose(from candidates: [Candidate], reference: String?) throws -> Candidate {
        guard let reference else {
            guard candidates.count == 1 else { throw ArchiveError.ambiguousImage(candidates: Self.displays(candidates)) }
            return candidates[0]
        }
        let matching = candidates.filter { candidate in
            candidate.names.contains { ReferenceMatcher.matches(reference, name: $0) }
        }
        guard matching.count == 1 else {
            if matching.isEmpty {
                throw ArchiveError.imageNotFound(reference: reference, candidates: Self.displays(candidates))
            }
            throw ArchiveError.ambiguousImage(candidates: Self.displays(matching))
        }
        return matching[0]
    }

    private func dockerCandidates() throws -> [Candidate] {
        let entries: [DockerArchiveManifestEntry] = try decode(contents.metadata(at: "manifest.json")!, file: "manifest.json")
        return entries.map { entry in
            var names = entry.repoTags ?? []
            let id = contents.metadata(at: entry.config).map(SHA256Hasher.digest)
            if let id { names.append(id.description) }
            return Candidate(names: names, target: .docker(entry), digest: id)
        }
    }

    private func ociCandidates() throws -> [Candidate] {
        let index: ImageIndex = try decode(contents.metadata(at: "index.json")!, file: "index.json")
        // Descriptors with the same name (or none) that each name a platform form one
        // multi-platform image; everything else is an image of its own.
        var groups: [String?: [Descriptor]] = [:]
        var order: [String?] = []
        for descriptor in index.manifests {
            let name = descriptor.annotations?[AnnotationKey.containerdImageName]
                ?? descriptor.annotations?[AnnotationKey.refName]
            if groups[name] == nil { order.append(name) }
            groups[name, default: []].append(descriptor)
        }
        var candidates: [Candidate] = []
        for name in order {
            let descriptors = groups[name]!
            let names = { (descriptor: Descriptor) -> [String] in
                var names: [String] = []
                if let value = descriptor.annotations?[AnnotationKey.containerdImageName] { names.append(value) }
                if let value = descriptor.annotations?[AnnotationKey.refName] { names.append(value) }
                names.append(descriptor.digest.description)
                return names
            }
            if descriptors.count > 1, descriptors.allSatisfy({ $0.platform != nil && MediaType.isManifest($0.mediaType) }) {
                candidates.append(Candidate(names: names(descriptors[0]).dropLast() + [], target: .platforms(descriptors)))
            } else {
                candidates += descriptors.map { Candidate(names: names($0), target: .descriptor($0), digest: $0.digest) }
            }
        }
        return candidates
    }

    // MARK: - Preparing images

    private func prepare(_ descriptor: Descriptor, name: String?, notes: inout [String]) throws -> PreparedArtifact {
        if MediaType.isIndex(descriptor.mediaType) {
            let bytes = try verifiedBlob(descriptor, role: "image index")
            let index: ImageIndex = try decode(bytes, file: "image index \(descriptor.digest)")
            return try prepareIndex(original: (descriptor, bytes, index), children: index.manifests, name: name, notes: &notes)
        }
        guard MediaType.isManifest(descriptor.mediaType) else {
            throw ArchiveError.unsupported("index.json points to \(descriptor.mediaType), which is not an image manifest or index")
        }
        return .image(try prepareManifest(descriptor, name: name, platform: descriptor.platform))
    }

    private func prepareIndex(
        original: (descriptor: Descriptor, bytes: [UInt8], index: ImageIndex)?,
        children: [Descriptor], name: String?, notes: inout [String]
    ) throws -> PreparedArtifact {
        if let platform {
            let platforms = children.compactMap(\.platform).filter { $0.os != "unknown" }
            guard let child = children.first(where: { $0.platform.map(platform.accepts) ?? false }) else {
                throw ArchiveError.platformNotFound(requested: platform.description, available: platforms.map(\.description))
            }
            return .image(try prepareManifest(child, name: name, platform: child.platform))
        }
        var images: [PreparedImage] = []
        var newChildren: [Descriptor] = []
        var changed = original == nil
        var missingPlatforms = 0
        for child in children {
            if MediaType.isIndex(child.mediaType) {
                throw ArchiveError.unsupported("nested image indexes (\(child.digest)); export one index per image")
            }
            guard MediaType.isManifest(child.mediaType) else {
                notes.append("skipped index entry \(child.digest.shortHex) of type \(child.mediaType)")
                changed = true
                continue
            }
            if child.platform?.os == "unknown" || child.annotations?["vnd.docker.reference.type"] != nil {
                notes.append("dropped attestation manifest \(child.digest.shortHex) (ecr-publish will attach its own SBOM and signature)")
                changed = true
                continue
            }
            let image: PreparedImage
            do {
                image = try prepareManifest(child, name: name, platform: child.platform)
            } catch ArchiveError.missingFile {
                // `docker save` with the containerd image store keeps the whole index but only
                // the blobs of the platforms pulled locally: publish what is there.
                notes.append("platform \(child.platform?.description ?? child.digest.shortHex) is not in the tarball (only its index entry is); left out")
                changed = true
                missingPlatforms += 1
                continue
            }
            images.append(image)
            var descriptor = child
            descriptor.mediaType = image.manifest.mediaType
            descriptor.digest = image.manifest.digest
            descriptor.size = image.manifest.size
            descriptor.platform = child.platform ?? image.platform
            if descriptor != child { changed = true }
            newChildren.append(descriptor)
        }
        guard !images.isEmpty else {
            throw ArchiveError.noImage(missingPlatforms > 0
                ? "the image index names \(missingPlatforms) platform(s) but the tarball holds the blobs of none"
                : "the image index lists no runnable image")
        }
        if missingPlatforms > 0 && images.count == 1 {
            // One platform left: publish it as the plain image it is, as `docker push` would.
            return .image(images[0])
        }
        if let original, !changed, (original.index.mediaType ?? original.descriptor.mediaType) == format.indexMediaType {
            return .index(PreparedIndex(sourceName: name, descriptor: original.descriptor, bytes: original.bytes, images: images))
        }
        let index = ImageIndex(
            mediaType: format.indexMediaType, manifests: newChildren,
            annotations: format == .oci ? original?.index.annotations : nil)
        let bytes = try CanonicalJSON.encode(index)
        let descriptor = Descriptor(
            mediaType: format.indexMediaType, digest: SHA256Hasher.digest(bytes), size: Int64(bytes.count))
        return .index(PreparedIndex(sourceName: name, descriptor: descriptor, bytes: bytes, images: images))
    }

    private func prepareManifest(_ descriptor: Descriptor, name: String?, platform: Platform?) throws -> PreparedImage {
        let bytes = try verifiedBlob(descriptor, role: "image manifest")
        let manifest: ImageManifest = try decode(bytes, file: "image manifest \(descriptor.digest)")
        let configBytes = try verifiedBlob(manifest.config, role: "image config")
        let config: ImageConfig = try decode(configBytes, file: "image config \(manifest.config.digest)")
        guard config.rootfs.diffIDs.count == manifest.layers.count else {
            throw ArchiveError.layerCountMismatch(configDiffIDs: config.rootfs.diffIDs.count, layers: manifest.layers.count)
        }
        var layers: [PreparedLayer] = []
        for (index, layerDescriptor) in manifest.layers.enumerated() {
            let path = blobPath(layerDescriptor.digest)
            let blob = try contents.layerBlob(
                at: path, expected: layerDescriptor.digest, referencedBy: "image manifest \(descriptor.digest.shortHex)")
            guard blob.digest == layerDescriptor.digest else {
                throw ArchiveError.digestMismatch(path: path, expected: layerDescriptor.digest, actual: blob.digest)
            }
            guard blob.size == layerDescriptor.size else {
                throw ArchiveError.sizeMismatch(path: path, expected: layerDescriptor.size, actual: blob.size)
            }
            var layer = try preparedLayer(blob, index: index, expectedDiffID: config.rootfs.diffIDs[index])
            if layer.action == .kept, let annotations = layerDescriptor.annotations {
                layer.descriptor.annotations = annotations
            }
            layers.append(layer)
        }
        let declaredType = manifest.mediaType ?? descriptor.mediaType
        let unchanged = zip(layers, manifest.layers).allSatisfy { $0.action == .kept && $0.descriptor.mediaType == $1.mediaType }
            && declaredType == format.manifestMediaType && manifest.config.mediaType == format.configMediaType
        if unchanged {
            var kept = descriptor
            kept.platform = nil
            kept.annotations = nil
            return PreparedImage(
                sourceName: name, platform: platform ?? config.platform,
                config: manifest.config, configBytes: configBytes,
                manifest: Descriptor(mediaType: declaredType, digest: descriptor.digest, size: descriptor.size),
                manifestBytes: bytes, layers: layers)
        }
        return try buildImage(
            name: name, platform: platform ?? config.platform, configBytes: configBytes, layers: layers,
            annotations: format == .oci ? manifest.annotations : nil)
    }

    private func prepareDocker(_ entry: DockerArchiveManifestEntry, name: String?) throws -> PreparedImage {
        guard let configBytes = contents.metadata(at: entry.config) else {
            throw contents.missingError(entry.config, referencedBy: "manifest.json")
        }
        let config: ImageConfig = try decode(configBytes, file: entry.config)
        guard config.rootfs.diffIDs.count == entry.layers.count else {
            throw ArchiveError.layerCountMismatch(configDiffIDs: config.rootfs.diffIDs.count, layers: entry.layers.count)
        }
        guard entry.layers.count <= limits.maxLayers else {
            throw ArchiveError.limitExceeded("the image has \(entry.layers.count) layers (limit \(limits.maxLayers))")
        }
        var layers: [PreparedLayer] = []
        for (index, path) in entry.layers.enumerated() {
            let normalized = try ArchivePath.normalize(path, inLayer: false)
            let blob = try contents.layerBlob(at: normalized, expected: nil, referencedBy: "manifest.json")
            layers.append(try preparedLayer(blob, index: index, expectedDiffID: config.rootfs.diffIDs[index]))
        }
        return try buildImage(name: name, platform: config.platform, configBytes: configBytes, layers: layers, annotations: nil)
    }

    private func preparedLayer(_ blob: ScannedBlob, index: Int, expectedDiffID: Digest) throws -> PreparedLayer {
        if let error = blob.layerError {
            switch error {
            case .unsafePath, .limitExceeded, .unsupported, .corruptLayer, .unreadableLayer: throw error
            default: throw ArchiveError.corruptLayer(path: blob.archivePath, detail: error.reason)
            }
        }
        guard let diffID = blob.diffID, let files = blob.files else {
            throw ArchiveError.corruptLayer(path: blob.archivePath, detail: "it is not a tar archive")
        }
        guard diffID == expectedDiffID else {
            throw ArchiveError.diffIDMismatch(layer: index + 1, path: blob.archivePath, expected: expectedDiffID, actual: diffID)
        }
        let descriptor = Descriptor(
            mediaType: format.layerMediaType(blob.storedCompression), digest: blob.stored, size: blob.storedSize)
        return PreparedLayer(
            sourcePath: blob.archivePath, diffID: diffID, uncompressedSize: blob.uncompressedSize ?? 0,
            descriptor: descriptor,
            action: blob.reused ? .reused : blob.kind != .tarLayer ? .kept : blob.storedCompression == .uncompressed ? .hashed : .compressed,
            files: files)
    }

    private func buildImage(
        name: String?, platform: Platform?, configBytes: [UInt8], layers: [PreparedLayer],
        annotations: [String: String]?
    ) throws -> PreparedImage {
        let config = Descriptor(
            mediaType: format.configMediaType, digest: SHA256Hasher.digest(configBytes), size: Int64(configBytes.count))
        let manifest = ImageManifest(
            mediaType: format.manifestMediaType, config: config, layers: layers.map(\.descriptor),
            annotations: annotations)
        let bytes = try CanonicalJSON.encode(manifest)
        return PreparedImage(
            sourceName: name, platform: platform, config: config, configBytes: configBytes,
            manifest: Descriptor(mediaType: format.manifestMediaType, digest: SHA256Hasher.digest(bytes), size: Int64(bytes.count)),
            manifestBytes: bytes, layers: layers)
    }

    // MARK: - Blobs and JSON

    private func blobPath(_ digest: Digest) -> String {
        "blobs/\(digest.algorithm.rawValue)/\(digest.hex)"
    }

    /// A metadata blob of the OCI layout, checked against its descriptor.
    private func verifiedBlob(_ descriptor: Descriptor, role: String) throws -> [UInt8] {
        let path = blobPath(descriptor.digest)
        guard let bytes = contents.metadata(at: path) else {
            if contents.blob(at: path) != nil {
                throw ArchiveError.invalidMetadata(file: path, detail: "the \(role) is not JSON")
            }
            throw contents.missingError(path, referencedBy: "the OCI layout")
        }
        guard descriptor.digest.algorithm == .sha256 else {
            throw ArchiveError.unsupported("digest algorithm \(descriptor.digest.algorithm.rawValue) for \(path)")
        }
        let actual = SHA256Hasher.digest(bytes)
        guard actual == descriptor.digest else {
            throw ArchiveError.digestMismatch(path: path, expected: descriptor.digest, actual: actual)
        }
        guard Int64(bytes.count) == descriptor.size else {
            throw ArchiveError.sizeMismatch(path: path, expected: descriptor.size, actual: Int64(bytes.count))
        }
        return bytes
    }

    private func decode<T: Decodable>(_ bytes: [UInt8], file: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw ArchiveError.invalidMetadata(file: file, detail: Self.explain(error))
        } catch {
            throw ArchiveError.invalidMetadata(file: file, detail: "not valid JSON")
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the document" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing '\(key.stringValue)' in \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type at \(path(context))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(context.debugDescription) at \(path(context))"
        @unknown default: return "not valid JSON"
        }
    }
}
