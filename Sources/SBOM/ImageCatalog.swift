import ImageArchive

/// The packages of an image's final file system: the layers' catalogs applied bottom to top
/// as a container runtime applies the layers. A package whose evidence file an upper layer
/// deletes (`.wh.NAME`), hides (`.wh..wh..opq` on a directory above it) or rewrites (another
/// dpkg status) is gone.
public struct ImageCatalog: Sendable {
    /// Sorted by ecosystem, name, version, evidence.
    public var packages: [SoftwarePackage]
    public var distro: Distro?
    /// Files skipped while cataloguing, with the layer they are in.
    public var warnings: [String]

    public init(packages: [SoftwarePackage], distro: Distro?, warnings: [String]) {
        self.packages = packages
        self.distro = distro
        self.warnings = warnings
    }

    /// Squashes `layers` (bottom first). A layer without a ``LayerCatalog`` (read without
    /// the ``CatalogVisitor``) contributes only its whiteouts.
    public init(layers: [LayerFiles]) {
        var packages: [SoftwarePackage] = []
        var distros: [(path: String, distro: Distro)] = []
        var licenses: [String: (package: String, license: String)] = [:]
        var warnings: [String] = []
        for (index, layer) in layers.enumerated() {
            let catalog = layer.findings as? LayerCatalog ?? LayerCatalog()
            let deletes = { (path: String) -> Bool in
                layer.whiteouts.contains { path == $0 || Self.isBelow(path, $0) }
                    || layer.opaqueDirectories.contains { Self.isBelow(path, $0) }
                    || catalog.metadataPaths.contains(path)
            }
            // What was there before, identical, keeps the layer that introduced it.
            var previous: [String: Int] = [:]
            packages.removeAll { package in
                guard let path = package.evidence.first, deletes(path) else { return false }
                previous[Self.identity(package)] = package.layer
                return true
            }
            distros.removeAll { deletes($0.path) }
            licenses = licenses.filter { !deletes($0.key) }
            licenses.merge(catalog.licenses) { $1 }
            for var package in catalog.packages {
                package.layer = previous[Self.identity(package)] ?? index
                packages.append(package)
            }
            distros += catalog.distros.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            warnings += catalog.warnings.map { "layer \(index + 1): \($0)" }
        }
        // A Debian package's copyright file gives its declared license.
        let debianLicenses = Dictionary(licenses.values.map { ($0.package, $0.license) }, uniquingKeysWith: { first, _ in first })
        for index in packages.indices where packages[index].ecosystem == .deb && packages[index].declaredLicense == nil {
            packages[index].declaredLicense = debianLicenses[packages[index].name]
        }
        packages = Self.withoutDuplicateLockEntries(packages)
        packages.sort {
            ($0.ecosystem, $0.namespace ?? "", $0.name, $0.version, $0.evidence.first ?? "")
                < ($1.ecosystem, $1.namespace ?? "", $1.name, $1.version, $1.evidence.first ?? "")
        }
        self.packages = packages
        // /etc/os-release before /usr/lib/os-release, as systemd reads them.
        distro = distros.first { $0.path.hasPrefix("etc/") }?.distro ?? distros.last?.distro
        self.warnings = warnings
    }

    /// An npm package found both by its own package.json and in a lock file is listed once,
    /// from its package.json (which names its author and license); one listed by several
    /// lock files, once.
    private static func withoutDuplicateLockEntries(_ packages: [SoftwarePackage]) -> [SoftwarePackage] {
        let isLockEntry = { (package: SoftwarePackage) in package.ecosystem == .npm && NpmLockCataloger.isLockFile(package.evidence.first ?? "") }
        let key = { (package: SoftwarePackage) in "\(package.namespace ?? "")/\(package.name)@\(package.version)" }
        let installed = Set(packages.filter { $0.ecosystem == .npm && !isLockEntry($0) }.map(key))
        var listed = Set<String>()
        return packages.filter { package in
            guard isLockEntry(package) else { return true }
            return !installed.contains(key(package)) && listed.insert(key(package)).inserted
        }
    }

    private static func isBelow(_ path: String, _ directory: String) -> Bool {
        directory.isEmpty || path.hasPrefix(directory + "/")
    }

    private static func identity(_ package: SoftwarePackage) -> String {
        "\(package.ecosystem.rawValue)\u{0}\(package.namespace ?? "")\u{0}\(package.name)\u{0}\(package.version)\u{0}\(package.evidence.first ?? "")"
    }

    /// Package counts by ecosystem (purl type), for the report.
    public var countsByEcosystem: [String: Int] {
        Dictionary(grouping: packages, by: \.ecosystem.rawValue).mapValues(\.count)
    }
}
