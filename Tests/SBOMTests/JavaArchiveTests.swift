import Foundation
import SBOM
import Testing
import TestSupport

/// Jars zipped at test time by Python's zipfile from fixtures/sbom/java, read in the pass.
@Suite struct JavaArchiveTests {
    /// Zips `fixtures/sbom/java/NAME` to `destination`, adding `extra` files (path → file).
    static func zip(_ name: String, to destination: String, extra: [String: String] = [:]) throws {
        try Tool.check("python3", ["-c", """
            import os, sys, zipfile
            source, out, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
            with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
                for root, dirs, files in sorted(os.walk(source)):
                    for f in sorted(files):
                        path = os.path.join(root, f)
                        z.write(path, os.path.relpath(path, source))
                for pair in extra:
                    inside, path = pair.split('=', 1)
                    z.write(path, inside)
            """, SBOMFixture.root + "/java/" + name, destination] + extra.map { "\($0.key)=\($0.value)" })
    }

    @Test func packagesOfJarsAndTheirNestedJars() throws {
        let fixture = try SBOMFixture()
        let layer = fixture.directory.file("layer")
        try FileManager.default.createDirectory(atPath: layer + "/opt/app/lib", withIntermediateDirectories: true)
        try Self.zip("inner", to: fixture.directory.file("inner.jar"))
        try Self.zip("app", to: layer + "/opt/app/app.jar", extra: ["BOOT-INF/lib/inner.jar": fixture.directory.file("inner.jar")])
        try Self.zip("plain", to: layer + "/opt/app/lib/plain-lib-4.5.6.jar")
        try Data("not a zip".utf8).write(to: URL(fileURLWithPath: layer + "/opt/app/lib/broken.jar"))
        let tarball = fixture.directory.file("java.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "-q", "image", "--layout", "oci-archive",
                                   "--layer", layer, "--tag", "sbom/java:1", "--out", tarball])
        let catalog = ImageCatalog(image: try fixture.read(tarball).artifact.images[0])
        let purls = catalog.packages.map { PackageURL(package: $0, distro: nil).description }
        #expect(Set(purls) == ["pkg:maven/com.example/app@2.0.0", "pkg:maven/org.example/inner@1.2.3", "pkg:maven/plain-lib@4.5.6"])
        let app = try #require(catalog.packages.first { $0.name == "app" })
        #expect(app.supplier == Supplier(kind: .organization, name: "Example Corp"))
        #expect(app.declaredLicense == "Apache-2.0")
        let inner = try #require(catalog.packages.first { $0.name == "inner" })
        #expect(inner.evidence == ["opt/app/app.jar", "opt/app/app.jar:BOOT-INF/lib/inner.jar"])
        #expect(inner.supplier?.name == "Inner Project")
        #expect(catalog.warnings.count == 1 && catalog.warnings[0].contains("/opt/app/lib/broken.jar"), "\(catalog.warnings)")
        // No temporary copy is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
        #expect(!left.contains { $0.hasPrefix("ecr-publish-spill-") })
    }
}
