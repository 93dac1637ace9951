/// The stable hashing behind the discriminator's hashed features: FNV-1a 64 over a word's bytes taken
/// eight at a time (little-endian), then a multiplicative mix per feature whose top bits pick the
/// feature's slot and sign. Each FNV step is a bijection, so distinct words of up to eight bytes get
/// distinct hashes before they are cut down to a slot.
///
/// Unlike Swift's `Hasher`, which is seeded per process, these values are the same on every run and
/// machine, so a model trained today scores the same features tomorrow. Changing anything here
/// changes every feature index: bump ``FeatureExtractor/currentVersion`` when you do.
enum FeatureHash {
    /// FNV-1a's 64-bit offset basis.
    static let offset: UInt64 = 0xCBF2_9CE4_8422_2325
    /// FNV-1a's 64-bit prime.
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// One FNV-1a step over a 64-bit chunk: the running hash with eight more bytes.
    @inline(__always)
    static func add(chunk: UInt64, to hash: UInt64) -> UInt64 {
        (hash ^ chunk) &* prime
    }

    /// The hash of a feature made of one or two parts (such as a word, or the two words of a bigram)
    /// in a namespace, so that the same word in the question and in the system prompt differ. Two
    /// multiplications carry every input bit into the high bits, which pick the slot and the sign.
    @inline(__always)
    static func feature(_ namespace: Namespace, _ first: UInt64, _ second: UInt64 = 0) -> UInt64 {
        ((first ^ namespace.rawValue) &* 0x9E37_79B9_7F4A_7C15 &+ second) &* 0xD6E8_FEB8_6659_FD93
    }

    /// The kinds of hashed feature; each is its own hash space.
    enum Namespace: UInt64 {
        /// A word of the question.
        case questionWord = 0x7177  // "qw"
        /// Two consecutive words of the question.
        case questionBigram = 0x7162  // "qb"
        /// A CJK character of the question.
        case questionCJK = 0x7163  // "qc"
        /// Two consecutive CJK characters of the question.
        case questionCJKBigram = 0x7164  // "qd"
        /// A word of the system prompt.
        case systemWord = 0x7377  // "sw"
        /// A CJK character of the system prompt.
        case systemCJK = 0x7363  // "sc"
        /// A bucket of a count (turns, token counts).
        case bucket = 0x6E62  // "nb"
    }
}
