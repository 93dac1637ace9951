/// Interned matcher states and their byte transitions, memoized: walking the vocabulary trie mostly
/// revisits a handful of states (inside a string every plain character leads back to the same one),
/// so after the first visits each trie node costs one table lookup instead of a matcher step.
struct JSONStateTable {
    static let unknown: Int32 = -2
    static let dead: Int32 = -1

    private var states: [[UInt32]] = []
    private var index: [[UInt32]: Int32] = [:]
    /// 256 transitions per state (`unknown` until computed, `dead` when no stack survives).
    private var transitions: [Int32] = []
    /// Per state: its shortest completion (known part only) and whether it has a bare sentinel stack.
    private(set) var costs: [UInt32] = []
    private(set) var bare: [Bool] = []
    private var scratch: [UInt32] = []

    /// Interned states; past this the table starts over (it is only a cache).
    static let limit: Int = 8192

    var count: Int { states.count }

    mutating func intern(_ words: [UInt32], matcher: JSONMatcher) -> Int32 {
        if let known: Int32 = index[words] { return known }
        let id: Int32 = Int32(states.count)
        states.append(words)
        index[words] = id
        transitions.append(contentsOf: repeatElement(Self.unknown, count: 256))
        costs.append(words.withUnsafeBufferPointer { matcher.minimumBytes($0) })
        bare.append(JSONMaskWalker.hasBareSentinel(words))
        return id
    }

    /// The state after `byte` from state `id`, or `dead`.
    @inline(__always)
    mutating func step(_ id: Int32, _ byte: UInt8, matcher: inout JSONMatcher) -> Int32 {
        let slot: Int = Int(id) &* 256 &+ Int(byte)
        let known: Int32 = transitions[slot]
        if known != Self.unknown { return known }
        var output: [UInt32] = scratch
        scratch = []
        output.removeAll(keepingCapacity: true)
        states[Int(id)].withUnsafeBufferPointer { matcher.advance($0, byte: byte, into: &output) }
        let next: Int32 = output.isEmpty ? Self.dead : intern(output, matcher: matcher)
        if output.isEmpty { scratch = output }
        transitions[slot] = next
        return next
    }

    mutating func removeAll() {
        states.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
        transitions.removeAll(keepingCapacity: true)
        costs.removeAll(keepingCapacity: true)
        bare.removeAll(keepingCapacity: true)
    }
}
