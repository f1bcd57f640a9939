import SBOM
import Testing

/// Ruby, PHP and .NET catalogers against their fixture files.
@Suite struct LanguageCatalogerTests {
    @Test func rubyGemSpecification() throws {
        let cataloger = RubyGemCataloger()
        #expect(cataloger.reads(path: "usr/local/bundle/specifications/rack-3.0.8.gemspec"))
        #expect(!cataloger.reads(path: "usr/local/bundle/gems/rack-3.0.8/rack.gemspec"))
        let rack = try cataloger.catalog(SBOMFixture.file("langs/usr/local/bundle/specifications/rack-3.0.8.gemspec")).packages[0]
        #expect(PackageURL(package: rack, distro: nil).description == "pkg:gem/rack@3.0.8")
        #expect(rack.declaredLicense == "MIT")
        #expect(rack.supplier == Supplier(kind: .person, name: "Leah Neukirchen", email: "leah@vuxu.org"))
        #expect(rack.dependencies == ["webrick"], "runtime dependencies, not development ones")
    }

    @Test func composerInstalledPackages() throws {
        let packages = try ComposerCataloger().catalog(SBOMFixture.file("langs/srv/www/vendor/composer/installed.json")).packages
        #expect(packages.map { PackageURL(package: $0, distro: nil).description } == ["pkg:composer/monolog/monolog@3.5.0", "pkg:composer/psr/log@3.0.0"])
        #expect(packages[0].dependencies == ["psr/log"])
        #expect(packages[1].supplier?.name == "PHP-FIG")
    }

    @Test func dotNetDependencies() throws {
        let packages = try DotNetCataloger().catalog(SBOMFixture.file("langs/app/MyApp.deps.json")).packages
        #expect(packages.map { PackageURL(package: $0, distro: nil).description } == ["pkg:nuget/MyApp@1.0.0", "pkg:nuget/Newtonsoft.Json@13.0.3"])
        #expect(packages[0].dependencies == ["Newtonsoft.Json"])
    }

    @Test func theyAreReadInThePass() throws {
        let (catalog, _) = try SBOMFixture().catalog(["langs"])
        #expect(catalog.countsByEcosystem == ["gem": 1, "composer": 2, "nuget": 2])
    }
}
