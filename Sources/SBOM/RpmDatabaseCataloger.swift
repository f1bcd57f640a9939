import Foundation

/// RPM packages: the SQLite rpm database of RHEL 9, Fedora 33+ and Amazon Linux 2023
/// (`/var/lib/rpm/rpmdb.sqlite`, `/usr/lib/sysimage/rpm/rpmdb.sqlite`), spilled to a
/// temporary file and read with SQLite; each row of its `Packages` table is one package's
/// header blob (``RpmHeader``). The Berkeley DB `Packages` of RHEL 8 and older, Amazon Linux 2
/// and CentOS 7 is read the same way (``BerkeleyDBHashReader``: each value a header blob);
/// SUSE's ndb (`Packages.db`) is named with a warning, not read.
public struct RpmDatabaseCataloger: SpillingCataloger {
    public init() {}
    public var name: String { "rpm" }
    public var maxFileSize: Int64 { 512 * 1024 * 1024 }
    /// Capabilities read of one package to resolve its dependencies.
    static let maxCapabilities = 4096

    static let directories = ["var/lib/rpm/", "usr/lib/sysimage/rpm/"]

    public func reads(path: String) -> Bool {
        guard path.hasSuffix("rpmdb.sqlite") || path.hasSuffix("/Packages") || path.hasSuffix("/Packages.db") else { return false }
        return Self.directories.contains { path.hasPrefix($0) && !path.dropFirst($0.count).contains("/") }
    }

    public func unsupported(path: String) -> String? {
        if path.hasSuffix("/Packages.db") {
            return "it is an ndb rpm database (SUSE Linux Enterprise 15 SP3 and later, openSUSE), which is not read: its rpm packages are not in the SBOM"
        }
        return nil
    }

    public func catalog(path: String, file: URL) throws -> CatalogResult {
        var packages: [SoftwarePackage] = []
        var requires: [[String]] = []
        var providers: [String: String] = [:]
        var skipped = 0
        func add(_ blob: [UInt8]) -> Bool {
            let header: RpmHeader
            do { header = try RpmHeader(blob: blob) } catch { skipped += 1; return true }
            guard let package = Self.package(header, path: path) else { return true }
            for capability in header.strings(.provideName, limit: Self.maxCapabilities) where providers[capability] == nil {
                providers[capability] = package.name
            }
            requires.append(header.strings(.requireName, limit: Self.maxCapabilities))
            packages.append(package)
            return true
        }
        if path.hasSuffix("/Packages") {
            let database = try BerkeleyDBHashReader(file: file)
            defer { database.close() }
            // Key 0 holds rpm's next header number, not a header.
            try database.forEachPair { key, value in key == [0, 0, 0, 0] ? true : add(value) }
        } else {
            let database = try SQLiteBlobReader(file: file)
            defer { database.close() }
            try database.forEachBlob(table: "Packages", column: "blob", add)
        }
        if packages.isEmpty, skipped > 0 { throw MalformedMetadata("none of its \(skipped) package headers is readable") }
        // `Requires:` names capabilities (`libc.so.6()(64bit)`, `/bin/sh`); their providers are the packages.
        for index in packages.indices {
            let names = requires[index].compactMap { capability in capability.hasPrefix("rpmlib(") ? nil : providers[capability] }
            packages[index].dependencies = Array(Set(names).subtracting([packages[index].name])).sorted()
        }
        let warnings = skipped > 0 ? ["\(skipped) package headers were unreadable and skipped"] : []
        return CatalogResult(packages: packages, warnings: warnings)
    }

    /// The package a header describes; nil for rpm's imported signing keys (`gpg-pubkey`),
    /// which are not software, and for headers without a name or version.
    static func package(_ header: RpmHeader, path: String) -> SoftwarePackage? {
        guard let name = header.string(.name), !name.isEmpty, name != "gpg-pubkey",
              let version = header.string(.version), !version.isEmpty else { return nil }
        let release = header.string(.release).flatMap { $0.isEmpty ? nil : $0 }
        let epoch = header.int32(.epoch)
        // The package's version as rpm prints it (`%{EPOCH}:%{VERSION}-%{RELEASE}`); the purl
        // carries the epoch as its `epoch` qualifier, as the purl spec's rpm type says.
        var package = SoftwarePackage(name: name, version: (epoch.map { "\($0):" } ?? "") + version + (release.map { "-" + $0 } ?? ""),
                                      ecosystem: .rpm, evidence: [path])
        package.purlVersion = version + (release.map { "-" + $0 } ?? "")
        if let epoch { package.qualifiers["epoch"] = String(epoch) }
        if let arch = header.string(.arch), !arch.isEmpty { package.qualifiers["arch"] = arch }
        if let source = header.string(.sourceRPM), !source.isEmpty { package.qualifiers["upstream"] = source }
        package.declaredLicense = header.string(.license)
        package.supplier = supplier(vendor: header.string(.vendor), packager: header.string(.packager))
        package.homepage = header.string(.url)
        return package
    }

    /// The vendor (`Red Hat, Inc.`, `Fedora Project`, `Amazon Linux`), else the packager.
    static func supplier(vendor: String?, packager: String?) -> Supplier? {
        if let vendor = vendor?.trimmingSpaces(), !vendor.isEmpty, vendor != "(none)" {
            return Supplier(kind: .organization, name: vendor)
        }
        guard let packager = packager?.trimmingSpaces(), !packager.isEmpty, packager != "(none)" else { return nil }
        // `Red Hat, Inc. <http://bugzilla.redhat.com/bugzilla>`: a URL is not an email.
        if let open = packager.firstIndex(of: "<"), packager[open...].contains("://") {
            let name = packager[..<open].trimmingSpaces()
            return name.isEmpty ? nil : Supplier(kind: .organization, name: name)
        }
        return Supplier(contact: packager)
    }
}
