import Crypto
import Testing

@Suite struct SHA256Tests {
    // FIPS 180-2 test vectors.
    @Test func knownVectors() {
        #expect(SHA256Hasher.digest(Array("abc".utf8)).hex
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hasher.digest([UInt8]()).hex
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hasher.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hex
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func streamingEqualsOneShot() {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let hasher = SHA256Hasher()
        var index = 0
        for size in [1, 63, 64, 65, 4096, 30_000] where index < data.count {
            let end = min(data.count, index + size)
            hasher.update(Array(data[index..<end]))
            index = end
        }
        hasher.update(Array(data[index...]))
        #expect(hasher.count == Int64(data.count))
        #expect(hasher.finalize() == SHA256Hasher.digest(data))
    }

    @Test func millionAs() {
        let hasher = SHA256Hasher()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
