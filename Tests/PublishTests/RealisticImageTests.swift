import Foundation
import Testing
import TestSupport

/// A realistic image (debootstrapped Debian minbase + PyPI packages + a jar + a node package,
/// about 240 MB uncompressed) built at test time by `fixtures/realistic/build.sh`, through the
/// same checks as the small fixtures.
@Suite(.serialized) struct RealisticImageTests {
    /// Built once per machine into a cache directory outside the repository.
    static let images: Result<String, any Error> = Result(catching: {
        let cache = ProcessInfo.processInfo.environment["ECR_PUBLISH_REALISTIC_CACHE"]
            ?? NSTemporaryDirectory() + "/ecr-publish-realistic-cache"
        try Tool.check("bash", [Paths.repositoryRoot + "/fixtures/realistic/build.sh", cache])
        return cache
    })

    @Test(arguments: [("realistic.tar", "docker-archive:"), ("realistic-oci.tar", "oci-archive:"), ("realistic-docker-oci.tar", "docker-archive:")])
    func realisticImagePassesTheSameChecks(file: String, transport: String) throws {
        let cache = try Self.images.get()
        let input = cache + "/" + file
        let one = try TemporaryDirectory("realistic1"), eight = try TemporaryDirectory("realistic8")
        let first = try CLI.publishLocally(input, output: one.path, ["--threads", "1"])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try CLI.publishLocally(input, output: eight.path, ["--threads", "8"])
        #expect(second.status == 0, "\(second.stderr)")
        try Tool.check("skopeo", ["inspect", "oci:\(one.path)/image"])
        #expect(try CLI.skopeoDiffIDs("oci:\(one.path)/image") == CLI.skopeoDiffIDs(transport + input))
        try Tool.check("skopeo", ["copy", "-q", "oci:\(one.path)/image", "docker-archive:\(one.file("copy.tar")):test/app:copy"])
        let hashes = { (root: String) throws -> String in
            try Tool.check("bash", ["-c", "cd \"$0\" && find . -type f | sort | xargs sha256sum", root]).stdout
        }
        #expect(try hashes(one.file("image")) == hashes(eight.file("image")))
    }
}
