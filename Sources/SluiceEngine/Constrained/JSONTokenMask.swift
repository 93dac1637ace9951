/// The tokens a state allows, as computed by ``JSONMaskWalker`` for the top of a state.
struct JSONTokenMask {
    /// One bit per token id: allowed whatever lies below the top of the state.
    var allowed: [UInt64]
    /// Tokens that reach below the top of the state: check each one against the whole state.
    var uncertain: [Int32]
    /// The smallest and largest shortest completion (in bytes, not counting what lies below the top)
    /// after an allowed token.
    var minCostAfter: UInt32
    var maxCostAfter: UInt32
    /// Per token, the shortest completion after it (filled only when a walk was asked to record it,
    /// near the end of the token budget).
    var costs: [UInt16]?

    init(tokenCount: Int) {
        allowed = [UInt64](repeating: 0, count: (tokenCount + 63) / 64)
        uncertain = []
        minCostAfter = JSONGrammar.infinity
        maxCostAfter = 0
    }

    mutating func allow(_ token: Int32) {
        allowed[Int(token) >> 6] |= 1 << UInt64(token & 63)
    }

    func allows(_ token: Int32) -> Bool {
        (allowed[Int(token) >> 6] >> UInt64(token & 63)) & 1 != 0
    }
}

/// Walks the vocabulary trie from a state, advancing the matcher byte by byte (through the memoized
/// ``JSONStateTable``) and pruning subtrees that no stack accepts.
struct JSONMaskWalker {
    private var ids: [Int32]
    private var uncertainAt: [Bool]
    private var table: JSONStateTable = JSONStateTable()

    init(depth: Int) {
        ids = [Int32](repeating: 0, count: depth + 1)
        uncertainAt = [Bool](repeating: false, count: depth + 1)
    }

    /// The tokens allowed after `start`, with the range of shortest completions after them (and each
    /// token's when `recordCosts`). When `start` has a sentinel bottom, tokens that pop into it are
    /// returned as uncertain.
    mutating func walk(
        from start: [UInt32], vocabulary: JSONVocabulary, matcher: inout JSONMatcher, recordCosts: Bool = false
    ) -> JSONTokenMask {
        if table.count > JSONStateTable.limit { table.removeAll() }
        var mask: JSONTokenMask = JSONTokenMask(tokenCount: vocabulary.tokenCount)
        var costs: [UInt16] = recordCosts ? [UInt16](repeating: UInt16.max, count: vocabulary.tokenCount) : []
        ids[0] = table.intern(start, matcher: matcher)
        uncertainAt[0] = table.bare[Int(ids[0])]
        let nodeCount: Int = vocabulary.nodeCount
        var node: Int = 0
        while node < nodeCount {
            let depth: Int = Int(vocabulary.nodeDepth[node])
            let next: Int32 = table.step(ids[depth - 1], vocabulary.nodeByte[node], matcher: &matcher)
            if next == JSONStateTable.dead {
                if uncertainAt[depth - 1] {
                    let range: Range<Int> = Int(vocabulary.nodeTokenStart[node])..<Int(vocabulary.nodeTokenStart[Int(vocabulary.nodeNext[node])])
                    mask.uncertain.append(contentsOf: vocabulary.tokens[range])
                }
                node = Int(vocabulary.nodeNext[node])
                continue
            }
            let first: Int = Int(vocabulary.nodeTokenStart[node])
            let last: Int = Int(vocabulary.nodeTokenStart[node + 1])
            if first < last {
                let cost: UInt32 = table.costs[Int(next)]
                mask.minCostAfter = min(mask.minCostAfter, cost)
                mask.maxCostAfter = max(mask.maxCostAfter, cost)
                for index: Int in first..<last {
                    let token: Int32 = vocabulary.tokens[index]
                    mask.allow(token)
                    if recordCosts { costs[Int(token)] = UInt16(min(cost, UInt32(UInt16.max))) }
                }
            }
            ids[depth] = next
            uncertainAt[depth] = uncertainAt[depth - 1] || table.bare[Int(next)]
            node += 1
        }
        if recordCosts { mask.costs = costs }
        return mask
    }

    static func hasBareSentinel(_ words: [UInt32]) -> Bool {
        var index: Int = 0
        while index < words.count {
            if words[index] == 1 && words[index + 1] == JSONMatchState.sentinel { return true }
            index += Int(words[index]) + 1
        }
        return false
    }
}
