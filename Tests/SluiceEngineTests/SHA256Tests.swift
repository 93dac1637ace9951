import Testing

@testable import SluiceEngine

@Suite struct SHA256Tests {
    @Test func emptyMessage() {
        #expect(SHA256.hex(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func abc() {
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func message448Bits() {
        let message: String = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hex(of: Array(message.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func message896Bits() {
        let message: String =
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        #expect(SHA256.hex(of: Array(message.utf8)) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func oneMillionAInUnevenChunks() {
        var hasher: SHA256 = SHA256()
        let chunk: [UInt8] = Array(repeating: UInt8(ascii: "a"), count: 997)
        var remaining: Int = 1_000_000
        while remaining > 0 {
            let take: Int = min(remaining, chunk.count)
            hasher.update(chunk[0..<take])
            remaining -= take
        }
        #expect(hasher.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func paddingBoundaries() {
        // Lengths around the 55/56/64-byte padding edges, against known digests of "a" repeated.
        let expected: [Int: String] = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
        ]
        for (length, digest): (Int, String) in expected {
            #expect(SHA256.hex(of: Array(repeating: UInt8(ascii: "a"), count: length)) == digest, "length \(length)")
        }
    }

    @Test func finalizeDoesNotConsumeState() {
        var hasher: SHA256 = SHA256()
        hasher.update(Array("ab".utf8))
        _ = hasher.hexDigest()
        hasher.update(Array("c".utf8))
        #expect(hasher.hexDigest() == SHA256.hex(of: Array("abc".utf8)))
    }
}
