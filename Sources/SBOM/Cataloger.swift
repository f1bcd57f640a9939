/// One kind of package metadata file and the one verb that reads it: the model of the GitOps
/// editors, one small type per file kind.
public protocol Cataloger: Sendable {
    /// A short name for warnings and limits (`dpkg`, `python`).
    var name: String { get }
    /// Files larger than this are skipped with a warning, never read.
    var maxFileSize: Int { get }
    /// Whether the file at `path` (image-relative, no leading `/`) is one it reads.
    func reads(path: String) -> Bool
    /// The packages (or distro) `file` shows.
    /// - Throws: ``MalformedMetadata`` when the file only looks like what it reads.
    func catalog(_ file: MetadataFile) throws -> CatalogResult
}

/// A metadata file handed to a cataloger, read whole within its ``Cataloger/maxFileSize``.
public struct MetadataFile: Sendable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// The contents as text (invalid UTF-8 repaired, as dpkg and pip tolerate it).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// What one file showed.
public struct CatalogResult: Sendable {
    public var packages: [SoftwarePackage] = []
    public var distro: Distro?
    /// Declared licenses of OS packages found apart from them (Debian copyright files), by package name.
    public var licenses: [String: String] = [:]
    /// What was skipped inside a file that was read (a database's unreadable rows).
    public var warnings: [String] = []

    public init(packages: [SoftwarePackage] = [], distro: Distro? = nil, licenses: [String: String] = [:], warnings: [String] = []) {
        self.packages = packages
        self.distro = distro
        self.licenses = licenses
        self.warnings = warnings
    }
}

/// A file that looks like package metadata but cannot be read as such: skipped with a warning.
public struct MalformedMetadata: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The catalogers of this release, in the order they are asked.
public enum Catalogers {
    public static let all: [any Cataloger] = [
        OSReleaseCataloger(), DpkgCataloger(), ApkCataloger(), PythonCataloger(), NpmCataloger(), NpmLockCataloger(),
        DebianCopyrightCataloger(), RubyGemCataloger(), ComposerCataloger(), DotNetCataloger(),
    ]

    /// Those that read large files from a temporary copy.
    public static let spilling: [any SpillingCataloger] = [JavaArchiveCataloger(), RpmDatabaseCataloger()]

    /// Those that choose files by their first bytes and read them as a stream.
    public static let sniffing: [any SniffingCataloger] = [ELFBinaryCataloger()]
}
