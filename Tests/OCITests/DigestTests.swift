import Foundation
import OCI
import Testing

@Suite struct DigestTests {
    @Test func parsesValidSHA256() throws {
        let text = "sha256:" + String(repeating: "ab", count: 32)
        let digest = try #require(Digest(text))
        #expect(digest.algorithm == .sha256)
        #expect(digest.description == text)
        #expect(digest.shortHex == "abababababab")
    }

    @Test(arguments: [
        "sha256:" + String(repeating: "A", count: 64),      // uppercase
        "sha256:" + String(repeating: "a", count: 63),      // short
        "sha256:" + String(repeating: "a", count: 65),      // long
        "md5:" + String(repeating: "a", count: 32),         // algorithm
        "sha256:../../" + String(repeating: "a", count: 58), // path characters
        "sha256" + String(repeating: "a", count: 64),       // no colon
        "",
    ])
    func rejectsInvalid(_ text: String) {
        #expect(Digest(text) == nil)
    }

    @Test func decodingRejectsInvalidDigestInJSON() {
        let json = #"{"mediaType":"x","digest":"sha256:nothex","size":1}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Descriptor.self, from: Data(json.utf8)) }
    }

    @Test func canonicalJSONIsStable() throws {
        let digest = try #require(Digest("sha256:" + String(repeating: "0", count: 64)))
        let manifest = ImageManifest(
            mediaType: MediaType.ociManifest,
            config: Descriptor(mediaType: MediaType.ociConfig, digest: digest, size: 2),
            layers: [Descriptor(mediaType: MediaType.ociLayerGzip, digest: digest, size: 3)])
        let first = try CanonicalJSON.encode(manifest)
        let second = try CanonicalJSON.encode(manifest)
        #expect(first == second)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.hasPrefix(#"{"config":{"digest":"sha256:"#))
        #expect(!text.contains("\\/"))
        #expect(!text.contains(" "))
    }

    @Test func platformDescription() {
        #expect(Platform(architecture: "arm64", os: "linux", variant: "v8").description == "linux/arm64/v8")
    }

    @Test func layerMediaTypes() {
        #expect(ManifestFormat.docker.layerMediaType(.gzip) == MediaType.dockerLayerGzip)
        #expect(ManifestFormat.oci.layerMediaType(.gzip) == MediaType.ociLayerGzip)
        #expect(MediaType.layerCompression(MediaType.dockerLayer) == .uncompressed)
    }
}
