/// What the catalogers found in one layer, before squashing.
public struct LayerCatalog: Sendable {
    public var packages: [SoftwarePackage] = []
    /// The distro files read (`etc/os-release`), by path.
    public var distros: [String: Distro] = [:]
    /// Declared licenses of Debian packages from their copyright files, by path.
    public var licenses: [String: (package: String, license: String)] = [:]
    /// Every metadata file the layer holds, read or not (malformed, too large): an upper
    /// layer's file replaces a lower layer's findings at the same path.
    public var metadataPaths: Set<String> = []
    /// Files skipped, and why.
    public var warnings: [String] = []

    public init() {}
}

/// Bounds on what one layer can make the catalogers keep.
public struct CatalogLimits: Sendable, Equatable {
    /// Packages kept from one layer (all catalogers).
    public var maxPackagesPerLayer = 200_000
    /// Metadata files one cataloger reads in one layer.
    public var maxFilesPerCataloger = 100_000
    /// Warnings kept from one layer (a count of the rest is kept).
    public var maxWarningsPerLayer = 100

    public init() {}
}
