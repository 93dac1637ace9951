import Crypto

/// The fixed-size key of a ``ResponseCache`` entry: the SHA-256 of the gateway's canonical request
/// fingerprint, so the cache's memory does not grow with prompt size. Make one with
/// ``ResponseCache/fingerprint(_:)``.
public struct CacheKey: Sendable, Hashable, CustomStringConvertible {
    let word0: UInt64
    let word1: UInt64
    let word2: UInt64
    let word3: UInt64

    init(word0: UInt64, word1: UInt64, word2: UInt64, word3: UInt64) {
        self.word0 = word0
        self.word1 = word1
        self.word2 = word2
        self.word3 = word3
    }

    /// The key of `digest`, read as four big-endian 64-bit words.
    init(_ digest: SHA256.Digest) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        digest.withUnsafeBytes { bytes in
            func word(_ index: Int) -> UInt64 {
                var value: UInt64 = 0
                for offset in 0..<8 { value = value << 8 | UInt64(bytes[index * 8 + offset]) }
                return value
            }
            words = (word(0), word(1), word(2), word(3))
        }
        self.init(word0: words.0, word1: words.1, word2: words.2, word3: words.3)
    }

    /// The digest in lowercase hex (64 characters).
    public var hex: String {
        [word0, word1, word2, word3].map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    public var description: String { hex }

    public func hash(into hasher: inout Hasher) {
        // The words are a cryptographic digest, so one of them spreads keys as well as all four would.
        hasher.combine(word0)
    }
}
