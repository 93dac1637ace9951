/// A compiled output grammar: rules of alternatives over bytes and JSON string characters, flattened
/// for a pushdown matcher (see ``JSONMatcher``). Build one with ``JSONSchemaCompiler``; it is immutable
/// and can be shared by any number of steerings.
public final class JSONGrammar: Sendable {
    enum Kind {
        static let end: UInt8 = 0
        static let bytes: UInt8 = 1
        static let char: UInt8 = 2
        static let rule: UInt8 = 3
    }

    /// Shortest-completion lengths at or above this are infinite.
    static let infinity: UInt32 = 1 << 28

    /// Element kinds (``Kind``), one per element; every alternative ends with an `end` element.
    let kinds: [UInt8]
    /// Per element: the byte class index (`bytes`) or the rule id (`rule`).
    let args: [UInt32]
    /// Byte classes, four 64-bit words each.
    let classes: [UInt64]
    /// Rule `r`'s alternatives start at `altStarts[ruleAlts[r] ..< ruleAlts[r + 1]]`.
    let ruleAlts: [Int32]
    let altStarts: [UInt32]
    /// The start rule.
    let root: Int
    /// Fewest bytes from an element to the end of its alternative (the element included).
    let minRest: [UInt32]
    /// Fewest bytes of any instance of each rule.
    let ruleMin: [UInt32]

    init(kinds: [UInt8], args: [UInt32], classes: [UInt64], ruleAlts: [Int32], altStarts: [UInt32], root: Int) {
        self.kinds = kinds
        self.args = args
        self.classes = classes
        self.ruleAlts = ruleAlts
        self.altStarts = altStarts
        self.root = root
        let ruleCount: Int = ruleAlts.count - 1
        var ruleMin: [UInt32] = [UInt32](repeating: Self.infinity, count: ruleCount)
        var minRest: [UInt32] = [UInt32](repeating: Self.infinity, count: kinds.count)
        var changed: Bool = true
        while changed {
            changed = false
            for rule: Int in 0..<ruleCount {
                var best: UInt32 = ruleMin[rule]
                for alt: Int in Int(ruleAlts[rule])..<Int(ruleAlts[rule + 1]) {
                    // Walk the alternative backwards to fill minRest.
                    var end: Int = Int(altStarts[alt])
                    while kinds[end] != Kind.end { end += 1 }
                    var total: UInt32 = 0
                    minRest[end] = 0
                    var index: Int = end - 1
                    while index >= Int(altStarts[alt]) {
                        let own: UInt32 = kinds[index] == Kind.rule ? ruleMin[Int(args[index])] : 1
                        total = min(Self.infinity, total + own)
                        minRest[index] = total
                        index -= 1
                    }
                    best = min(best, total)
                }
                if best < ruleMin[rule] {
                    ruleMin[rule] = best
                    changed = true
                }
            }
        }
        self.ruleMin = ruleMin
        self.minRest = minRest
    }

    /// Number of elements (stack entries index them).
    var elementCount: Int { kinds.count }

    @inline(__always)
    func classContains(_ index: UInt32, _ byte: UInt8) -> Bool {
        let word: UInt64 = classes[Int(index) &* 4 &+ Int(byte >> 6)]
        return (word >> UInt64(byte & 63)) & 1 != 0
    }

    /// The preferred byte of a byte class (for shortest paths).
    func preferredByte(_ index: UInt32) -> UInt8 {
        let base: Int = Int(index) * 4
        let set: JSONByteSet = JSONByteSet(
            (0..<256).compactMap { (value: Int) -> UInt8? in
                (classes[base + value / 64] >> UInt64(value % 64)) & 1 != 0 ? UInt8(value) : nil
            })
        return set.preferred ?? 0
    }
}
