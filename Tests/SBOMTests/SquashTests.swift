import ImageArchive
import SBOM
import Testing

/// Findings of every layer squashed with the layer order and whiteouts.
@Suite struct SquashTests {
    @Test func packagesOfABaseImage() throws {
        let (catalog, _) = try SBOMFixture().catalog(["base"])
        #expect(catalog.distro?.qualifier == "debian-12")
        #expect(catalog.countsByEcosystem == ["deb": 4, "pypi": 2, "npm": 4])
        #expect(catalog.packages.allSatisfy { $0.layer == 0 })
        #expect(catalog.warnings.isEmpty)
        #expect(catalog.packages.first { $0.name == "bash" }?.declaredLicense == "GPL-3+ AND Expat", "from its copyright file")
        #expect(catalog.packages.first { $0.name == "libc6" }?.declaredLicense == nil)
    }

    @Test func anUpperLayerRemovesWhatItDeletesHidesOrRewrites() throws {
        let (catalog, _) = try SBOMFixture().catalog(["base", "upper"])
        let names = Set(catalog.packages.map(\.name))
        #expect(!names.contains("bash"), "removed from the rewritten dpkg status")
        #expect(!names.contains("six"), "its dist-info is whited out")
        #expect(!names.contains("ms"), "its directory is under an opaque /opt/app")
        #expect(names.isSuperset(of: ["base-files", "libc6", "libgcc-s1", "PyYAML", "left-pad", "node", "semver"]))
        let libc = try #require(catalog.packages.first { $0.name == "libc6" })
        #expect(libc.layer == 0, "the same package in the rewritten status keeps the layer that introduced it")
    }

    @Test func distrolessAndAlpine() throws {
        let fixture = try SBOMFixture()
        let (distroless, _) = try fixture.catalog(["distroless"])
        #expect(distroless.packages.map(\.name) == ["base-files", "tzdata"])
        let (alpine, _) = try fixture.catalog(["alpine"])
        #expect(alpine.packages.map(\.name) == ["busybox", "musl", "ssl_client"])
        #expect(alpine.distro?.id == "alpine")
    }

    @Test func malformedFilesAreSkippedWithAWarning() throws {
        let (catalog, _) = try SBOMFixture().catalog(["base", "malformed"])
        #expect(catalog.warnings.count == 3, "\(catalog.warnings)")
        #expect(catalog.warnings.allSatisfy { $0.hasPrefix("layer 2: skipped /") })
        // The malformed dpkg status of layer 2 replaces layer 1's: dpkg would not read it either.
        #expect(catalog.countsByEcosystem["deb"] == nil)
        #expect(catalog.countsByEcosystem["pypi"] == 2)
    }

    @Test func limitsBoundWhatALayerKeeps() throws {
        var limits = CatalogLimits()
        limits.maxPackagesPerLayer = 3
        limits.maxFilesPerCataloger = 1
        let fixture = try SBOMFixture()
        let loaded = try fixture.read(fixture.image(["base"]), visitor: CatalogVisitor(limits: limits))
        let catalog = ImageCatalog(image: loaded.artifact.images[0])
        #expect(catalog.packages.count == 3)
        #expect(catalog.warnings.contains { $0.contains("limit") })
    }
}
