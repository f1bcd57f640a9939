import Foundation
import ImageArchive
import OCI

extension ImageSubject {
    /// The subject for `image` of a read tarball, named `name` (the repository): by its
    /// manifest digest when that is final, else by its image ID.
    public init(image: PreparedImage, name: String, repositoryURL: String? = nil, supplier: Supplier? = nil) {
        let identity: ImageIdentity = image.manifestIsFinal ? .manifest(image.manifest.digest) : .imageID(image.config.digest)
        self.init(name: name, identity: identity, repositoryURL: repositoryURL,
                  platform: image.platform, diffIDs: image.layers.map(\.diffID))
        self.supplier = supplier ?? Self.supplier(config: image.configBytes)
    }

    /// The vendor label or the author the image's config names.
    static func supplier(config: [UInt8]) -> Supplier? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(config)) as? [String: Any] else { return nil }
        let labels = (object["config"] as? [String: Any])?["Labels"] as? [String: Any]
        if let vendor = labels?["org.opencontainers.image.vendor"] as? String, !vendor.trimmingSpaces().isEmpty {
            return Supplier(kind: .organization, name: vendor.trimmingSpaces())
        }
        return (object["author"] as? String).flatMap(Supplier.init(contact:))
    }
}

extension ImageCatalog {
    /// The catalog of `image`, read with a ``CatalogVisitor``.
    public init(image: PreparedImage) {
        self.init(layers: image.layers.map(\.files))
    }
}
