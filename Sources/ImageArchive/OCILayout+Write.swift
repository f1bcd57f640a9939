import OCI

/// Writes an OCI image layout (image-spec `image-layout.md`): `oci-layout`, `index.json`
/// and `blobs/`.
public enum OCILayoutWriter {
    /// Completes the layout whose blobs are already in `spool` (whose directory must be
    /// `<root>/blobs`): adds configs and manifests, removes blobs nothing references, and
    /// writes `index.json` naming the artifact `refName`.
    public static func finish(
        _ artifact: PreparedArtifact, refName: String?, spool: BlobSpool, root: String
    ) throws {
        var keep = Set<Digest>()
        for image in artifact.images {
            try spool.store(image.configBytes)
            try spool.store(image.manifestBytes)
            keep.insert(image.config.digest)
            keep.insert(image.manifest.digest)
            keep.formUnion(image.layers.map(\.descriptor.digest))
        }
        if case .index(let index) = artifact {
            try spool.store(index.bytes)
            keep.insert(index.descriptor.digest)
        }
        try spool.removeAll(except: keep)

        var top = artifact.descriptor
        if let refName { top.annotations = [AnnotationKey.refName: refName] }
        let index = ImageIndex(mediaType: MediaType.ociIndex, manifests: [top])
        try FileSystem.writeFile(root + "/oci-layout", Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
        try FileSystem.writeFile(root + "/index.json", try CanonicalJSON.encode(index))
    }
}
