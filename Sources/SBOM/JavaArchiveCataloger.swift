import Foundation
import ZIPFoundation

/// Java archives (`.jar`, `.war`, `.ear`, Jenkins `.jpi`/`.hpi`): each
/// `META-INF/maven/GROUP/ARTIFACT/pom.properties` is a package; without one,
/// `META-INF/MANIFEST.MF` names it. Nested archives (Spring Boot's `BOOT-INF/lib`, a war's
/// `WEB-INF/lib`) are read too, one level down, in memory within a bound.
public struct JavaArchiveCataloger: SpillingCataloger {
    public init() {}
    public var name: String { "java" }
    public var maxFileSize: Int64 { 2 * 1024 * 1024 * 1024 }
    /// Entries of one archive looked at.
    static let maxEntries = 200_000
    /// A nested archive read into memory.
    static let maxNestedSize: UInt64 = 64 * 1024 * 1024
    /// pom.properties and MANIFEST.MF read.
    static let maxMetadataSize: UInt64 = 1024 * 1024

    static let suffixes = [".jar", ".war", ".ear", ".jpi", ".hpi"]

    public func reads(path: String) -> Bool {
        // Only the last four characters matter; lowercasing the whole path for every file costs.
        let lower = path.suffix(4).lowercased()
        return Self.suffixes.contains { lower == $0 }
    }

    public func catalog(path: String, file: URL) throws -> CatalogResult {
        let archive = try Archive(url: file, accessMode: .read)
        return CatalogResult(packages: try Self.packages(in: archive, evidence: [path], name: path, nested: true))
    }

    static func packages(in archive: Archive, evidence: [String], name: String, nested: Bool) throws -> [SoftwarePackage] {
        var poms: [[String: String]] = []
        var manifest: [String: String] = [:]
        var inner: [Entry] = []
        var count = 0
        for entry in archive {
            count += 1
            guard count <= maxEntries else { throw MalformedMetadata("more than \(maxEntries) entries") }
            guard entry.type == .file else { continue }
            let path = entry.path
            if path.hasPrefix("META-INF/maven/"), path.hasSuffix("/pom.properties"), entry.uncompressedSize <= maxMetadataSize {
                poms.append(properties(try read(entry, of: archive)))
            } else if path == "META-INF/MANIFEST.MF", entry.uncompressedSize <= maxMetadataSize {
                manifest = mainAttributes(try read(entry, of: archive))
            } else if nested, suffixes.contains(where: { path.lowercased().hasSuffix($0) }), entry.uncompressedSize <= maxNestedSize {
                inner.append(entry)
            }
        }
        let supplier = (manifest["Implementation-Vendor"] ?? manifest["Bundle-Vendor"]).flatMap { vendor -> Supplier? in
            let vendor = vendor.trimmingSpaces()
            return vendor.isEmpty || vendor.hasPrefix("%") ? nil : Supplier(kind: .organization, name: vendor)
        }
        let license = manifest["Bundle-License"].flatMap { LicenseExpression(declared: $0).flatMap { if case .spdx(let id) = $0 { id } else { nil } } }
        var packages: [SoftwarePackage] = []
        var seen = Set<String>()
        for pom in poms {
            guard let artifact = pom["artifactId"], let version = pom["version"], !artifact.isEmpty, !version.isEmpty else { continue }
            let group = pom["groupId"]
            guard seen.insert("\(group ?? ""):\(artifact):\(version)").inserted else { continue }
            var package = SoftwarePackage(name: artifact, version: version, ecosystem: .maven, evidence: evidence)
            package.namespace = group
            // A Maven groupId is its publisher's reverse domain (Maven Central checks it).
            package.supplier = supplier ?? group.flatMap { $0.isEmpty ? nil : Supplier(kind: .organization, name: $0) }
            package.declaredLicense = license
            packages.append(package)
        }
        if packages.isEmpty, let package = fromManifest(manifest, name: name, evidence: evidence) {
            var package = package
            package.supplier = supplier
            package.declaredLicense = license
            packages.append(package)
        }
        for entry in inner {
            let data = try Data(read(entry, of: archive, limit: maxNestedSize))
            // A nested file that is not a zip is not a package: skip it.
            let archive: Archive
            do { archive = try Archive(data: data, accessMode: .read, pathEncoding: nil) } catch { continue }
            let where_ = evidence[0] + ":" + entry.path
            packages += (try? Self.packages(in: archive, evidence: [evidence[0], where_], name: entry.path, nested: false)) ?? []
        }
        return packages
    }

    /// A jar without pom.properties: `Implementation-Title`/`Bundle-SymbolicName` and their
    /// versions, else `NAME-VERSION.jar` of the file name.
    static func fromManifest(_ manifest: [String: String], name path: String, evidence: [String]) -> SoftwarePackage? {
        let file = String(path.split(separator: "/").last ?? "")
        let base = suffixes.reduce(file) { $0.lowercased().hasSuffix($1) ? String($0.dropLast($1.count)) : $0 }
        var fileName = base
        var fileVersion: String?
        if let dash = base.lastIndex(where: { $0 == "-" }), base[base.index(after: dash)...].first?.isNumber == true {
            fileName = String(base[..<dash])
            fileVersion = String(base[base.index(after: dash)...])
        }
        let symbolic = manifest["Bundle-SymbolicName"].map { String($0.split(separator: ";")[0]).trimmingSpaces() }
        let name = symbolic.flatMap { $0.split(separator: ".").last.map(String.init) } ?? manifest["Implementation-Title"] ?? fileName
        guard let version = manifest["Implementation-Version"] ?? manifest["Bundle-Version"] ?? fileVersion, !version.isEmpty, !name.isEmpty else {
            return nil
        }
        var package = SoftwarePackage(name: name, version: version, ecosystem: .maven, evidence: evidence)
        if let symbolic, let dot = symbolic.lastIndex(of: ".") { package.namespace = String(symbolic[..<dot]) }
        return package
    }

    static func read(_ entry: Entry, of archive: Archive, limit: UInt64 = maxMetadataSize) throws -> [UInt8] {
        var bytes: [UInt8] = []
        _ = try archive.extract(entry, skipCRC32: false) { chunk in
            guard UInt64(bytes.count + chunk.count) <= limit else { throw MalformedMetadata("\(entry.path) is larger than \(limit) bytes") }
            bytes += chunk
        }
        return bytes
    }

    /// `key=value` lines of a Java properties file (no escapes or continuations: Maven writes none).
    static func properties(_ bytes: [UInt8]) -> [String: String] {
        var values: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = line.trimmingSpaces()
            guard !line.hasPrefix("#"), !line.hasPrefix("!"), let equals = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            values[line[..<equals].trimmingSpaces()] = line[line.index(after: equals)...].trimmingSpaces()
        }
        return values
    }

    /// The main section of a MANIFEST.MF: `Name: value` lines, 72-byte continuation lines
    /// starting with one space, up to the first blank line.
    static func mainAttributes(_ bytes: [UInt8]) -> [String: String] {
        var values: [String: String] = [:]
        var last: String?
        // "\r\n" is one Character: split on every kind of line end.
        for line in String(decoding: bytes, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.isEmpty { if !values.isEmpty { break } else { continue } }
            if line.first == " ", let key = last {
                values[key, default: ""] += line.dropFirst()
            } else if let colon = line.firstIndex(of: ":") {
                let key = String(line[..<colon])
                values[key] = String(line[line.index(after: colon)...].drop { $0 == " " })
                last = key
            }
        }
        return values
    }
}
