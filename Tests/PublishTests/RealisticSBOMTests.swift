import Foundation
import Testing
import TestSupport

/// The SBOM of the realistic image (RealisticImageTests builds it) against what dpkg-query,
/// tar and Python's json module read from the same layers, and the validators.
@Suite(.serialized) struct RealisticSBOMTests {
    /// `name version` pairs of the SBOM's packages of one purl type.
    static func packages(_ document: [String: Any], type: String) -> Set<String> {
        let packages = document["packages"] as? [[String: Any]] ?? []
        return Set(packages.compactMap { package -> String? in
            guard let purl = (package["externalRefs"] as? [[String: Any]])?.first?["referenceLocator"] as? String,
                  purl.hasPrefix("pkg:\(type)/"), let name = package["name"] as? String, let version = package["versionInfo"] as? String
            else { return nil }
            return "\(name) \(version)"
        })
    }

    /// Extracts every layer of a docker-classic tarball into `root`, bottom first, as the
    /// image's file system (whiteouts do not occur in this image).
    static func extractLayers(_ tarball: String, into root: String, members: [String]) throws {
        let manifest = try Tool.check("tar", ["-xOf", tarball, "manifest.json"]).stdoutData
        let layers = ((try JSONSerialization.jsonObject(with: manifest) as? [[String: Any]])?.first?["Layers"] as? [String]) ?? []
        #expect(layers.count == 2)
        for layer in layers {
            try Tool.check("bash", ["-c", "tar -xOf \"$0\" \"$1\" | tar -x -C \"$2\" --wildcards \"${@:3}\" 2>/dev/null || true",
                                    tarball, layer, root] + members)
        }
    }

    @Test func everyPackageTheImageHoldsIsInTheSBOMWithItsVersion() throws {
        let cache = try RealisticImageTests.images.get()
        let directory = try TemporaryDirectory("realistic-sbom")
        let tarball = cache + "/realistic.tar"
        let result = try CLI.run(["sbom", tarball, "--output", directory.file("sbom.spdx.json"), "--repository", "team/app",
                                  "--sbom-supplier", "Organization: Example Team"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try SBOMCommandTests.json(directory.file("sbom.spdx.json"))
        try SBOMCommandTests.validate(directory.file("sbom.spdx.json"))

        // dpkg's own view of the database in the image.
        let root = directory.file("rootfs")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Self.extractLayers(tarball, into: root, members: ["var/lib/dpkg/*", "*.dist-info/METADATA", "usr/share/nodejs/*package.json", "*.jar"])
        let dpkg = try Tool.check("dpkg-query", ["--admindir=\(root)/var/lib/dpkg", "-W", "-f", "${Package} ${Version}\n"])
        let installed = Set(dpkg.stdout.split(separator: "\n").map(String.init))
        #expect(installed.count > 80)
        #expect(Self.packages(document, type: "deb") == installed)

        // Every dist-info, by Python's own metadata parser.
        let python = try Tool.check("python3", ["-c", """
            import email.parser, glob, sys
            for path in glob.glob(sys.argv[1] + '/**/*.dist-info/METADATA', recursive=True):
                headers = email.parser.HeaderParser().parse(open(path, encoding='utf-8', errors='replace'))
                print(headers['Name'], headers['Version'])
            """, root])
        let distributions = Set(python.stdout.split(separator: "\n").map(String.init))
        #expect(distributions.count == 12)
        #expect(Self.packages(document, type: "pypi") == distributions)

        // Every package.json of Debian's node packages, by Python's json module.
        let node = try Tool.check("python3", ["-c", """
            import glob, json, sys
            for path in glob.glob(sys.argv[1] + '/usr/share/nodejs/**/package.json', recursive=True):
                data = json.load(open(path))
                print(data['name'].split('/')[-1], data['version'])
            """, root])
        let nodePackages = Set(node.stdout.split(separator: "\n").map(String.init))
        #expect(nodePackages.count >= 2)
        #expect(Self.packages(document, type: "npm") == nodePackages)

        // Every jar (symlinks to one are the same jar), by Python's zipfile.
        let java = try Tool.check("python3", ["-c", """
            import glob, os, sys, zipfile
            for path in glob.glob(sys.argv[1] + '/**/*.jar', recursive=True):
                if os.path.islink(path): continue
                with zipfile.ZipFile(path) as z:
                    for name in z.namelist():
                        if name.startswith('META-INF/maven/') and name.endswith('/pom.properties'):
                            values = dict(line.split('=', 1) for line in z.read(name).decode().splitlines() if '=' in line and not line.startswith('#'))
                            print(values['artifactId'], values['version'])
            """, root])
        let jars = Set(java.stdout.split(separator: "\n").map(String.init))
        #expect(jars == ["commons-lang3 3.12.0"])
        #expect(Self.packages(document, type: "maven") == jars)
    }

    @Test func publishWritesTheSameSBOMForEveryLayout() throws {
        let cache = try RealisticImageTests.images.get()
        var seen: [Set<String>] = []
        for file in ["realistic.tar", "realistic-oci.tar"] {
            let output = try TemporaryDirectory("realistic-publish-sbom")
            let result = try CLI.publishLocally(cache + "/" + file, output: output.path, [
                "--sbom-supplier", "Organization: Example Team", "--sbom-format", "spdx-json", "--sbom-format", "cyclonedx-json"])
            #expect(result.status == 0, "\(result.stderr)")
            let document = try SBOMCommandTests.json(output.file("sbom.spdx.json"))
            try SBOMCommandTests.validate(output.file("sbom.spdx.json"))
            let schema = try SBOMValidators.cycloneDX(output.file("sbom.cdx.json"))
            #expect(schema.status == 0, "\(schema.stdout)\(schema.stderr)")
            seen.append(Self.packages(document, type: "deb").union(Self.packages(document, type: "pypi")).union(Self.packages(document, type: "npm")).union(Self.packages(document, type: "maven")))
        }
        #expect(seen[0] == seen[1])
        #expect(seen[0].count > 90)
    }
}
