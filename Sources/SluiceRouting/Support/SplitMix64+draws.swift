/// Draws the discriminator's training and synthetic sets use. They use only integer arithmetic (not the
/// standard library's `random(in:)`, whose algorithm may change between Swift releases), so splits,
/// shuffles and synthetic sets are the same on every run and platform.
extension SplitMix64 {
    /// A number in `0..<bound` (`bound` > 0). The modulo bias is below 2⁻⁴⁰ for the sizes used here.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// A number in `0..<1` with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Whether an event of probability `p` happens.
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// One element of a non-empty array.
    mutating func pick<Element>(_ items: [Element]) -> Element {
        items[below(items.count)]
    }

    /// Fisher–Yates shuffle in place.
    mutating func shuffle<Element>(_ items: inout [Element]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }
}
