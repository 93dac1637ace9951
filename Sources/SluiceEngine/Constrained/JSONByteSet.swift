/// A set of byte values (256 bits).
struct JSONByteSet: Hashable, Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() {}

    init(_ bytes: some Sequence<UInt8>) {
        for byte: UInt8 in bytes { insert(byte) }
    }

    /// The bytes of `ranges` (inclusive).
    init(ranges: ClosedRange<UInt8>...) {
        for range: ClosedRange<UInt8> in ranges { for byte: UInt8 in range { insert(byte) } }
    }

    init(ascii text: String) {
        self.init(Array(text.utf8))
    }

    mutating func insert(_ byte: UInt8) {
        let bit: UInt64 = 1 << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    func contains(_ byte: UInt8) -> Bool {
        let word: UInt64
        switch byte >> 6 {
        case 0: word = words.0
        case 1: word = words.1
        case 2: word = words.2
        default: word = words.3
        }
        return (word >> UInt64(byte & 63)) & 1 != 0
    }

    /// The four 64-bit words, low bytes first.
    var array: [UInt64] { [words.0, words.1, words.2, words.3] }

    /// The member to use on a shortest path: a digit, a letter, a space, then the lowest member.
    var preferred: UInt8? {
        for byte: UInt8 in Array("0a ".utf8) where contains(byte) { return byte }
        for byte: Int in 0..<256 where contains(UInt8(byte)) { return UInt8(byte) }
        return nil
    }

    static func == (lhs: JSONByteSet, rhs: JSONByteSet) -> Bool { lhs.array == rhs.array }
    func hash(into hasher: inout Hasher) { hasher.combine(array) }
}
