extension JSONSchemaSteering {
    /// Sets every refused token's logit to `-infinity` (see the type's documentation for how).
    public func mask(_ logits: UnsafeMutableBufferPointer<Float>) {
        let start: ContinuousClock.Instant = ContinuousClock.now
        statistics.masks += 1
        var keep: [Int32] = []
        var allowed: [UInt64] = []
        switch phase {
        case .json where forcedPath == nil:
            allowed = documentMask(keep: &keep)
            if state.isAccepting { keep += suffixTokens.isEmpty ? Array(vocabulary.endTokens) : [suffixTokens[0]] }
        case .done:
            keep = Array(vocabulary.endTokens)
        default:
            if let token: Int32 = forcedToken() { keep = [token] }
        }
        let saved: [(Int, Float)] = keep.compactMap { (token: Int32) -> (Int, Float)? in
            Int(token) < logits.count && token >= 0 ? (Int(token), logits[Int(token)]) : nil
        }
        let count: Int = logits.count
        var word: Int = 0
        while word * 64 < count {
            let bits: UInt64 = word < allowed.count ? allowed[word] : 0
            if bits != ~UInt64(0) {
                let base: Int = word * 64
                for bit: Int in 0..<min(64, count - base) where (bits >> UInt64(bit)) & 1 == 0 {
                    logits[base + bit] = -.infinity
                }
            }
            word += 1
        }
        for (index, value): (Int, Float) in saved { logits[index] = value }
        let elapsed: Duration = ContinuousClock.now - start
        statistics.maskNanoseconds += UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000)
    }

    /// The allowed-token bits for the document state; tokens to allow besides them go to `keep`.
    private func documentMask(keep: inout [Int32]) -> [UInt64] {
        let budget: Int = maxTokens - reserve - produced - 1 - suffixTokens.count
        guard budget >= 0 else { return [] }
        let (key, top, base): ([UInt32], [UInt32], UInt32) = topOfState()
        var mask: JSONTokenMask
        if let cached: JSONTokenMask = cache[key] {
            mask = cached
        } else {
            statistics.maskWalks += 1
            mask = walker.walk(from: top, vocabulary: vocabulary, matcher: &matcher)
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[key] = mask
        }
        for token: Int32 in mask.uncertain where checkDocument(token) { keep.append(token) }
        lastCheck = nil
        let limit: Int = budget - Int(base)
        if limit >= Int(mask.maxCostAfter) { return mask.allowed }
        // Near the end of the budget: drop the tokens after which the document could not be finished.
        if limit < Int(mask.minCostAfter) { return [] }
        if mask.costs == nil {
            statistics.maskWalks += 1
            mask = walker.walk(from: top, vocabulary: vocabulary, matcher: &matcher, recordCosts: true)
            cache[key] = mask
        }
        var allowed: [UInt64] = mask.allowed
        let costs: [UInt16] = mask.costs ?? []
        for word: Int in allowed.indices where allowed[word] != 0 {
            for bit: Int in 0..<64 where (allowed[word] >> UInt64(bit)) & 1 != 0 && Int(costs[word * 64 + bit]) > limit {
                allowed[word] &= ~(1 << UInt64(bit))
            }
        }
        return allowed
    }

    /// The state's stacks with their common bottom replaced by a sentinel (the cache key and the walk's
    /// start), and the shortest completion of that bottom.
    private func topOfState() -> (key: [UInt32], top: [UInt32], base: UInt32) {
        let words: [UInt32] = state.words
        var common: Int = Int.max
        var first: ArraySlice<UInt32> = []
        var index: Int = 0
        while index < words.count {
            let length: Int = Int(words[index])
            let entries: ArraySlice<UInt32> = words[(index + 1)..<(index + 1 + length)]
            if index == 0 {
                first = entries
                common = length
            } else {
                var shared: Int = 0
                while shared < min(common, length) && entries[entries.startIndex + shared] == first[first.startIndex + shared] { shared += 1 }
                common = shared
            }
            index += length + 1
        }
        // Keep at least the top entry of every stack, and nothing of the common bottom otherwise.
        var cut: Int = common
        index = 0
        while index < words.count {
            if Int(words[index]) <= common { cut = max(0, common - 1) }
            index += Int(words[index]) + 1
        }
        guard cut > 0 else { return ([0] + words, words, 0) }
        var top: [UInt32] = []
        top.reserveCapacity(words.count)
        index = 0
        while index < words.count {
            let length: Int = Int(words[index])
            top.append(UInt32(length - cut + 1))
            top.append(JSONMatchState.sentinel)
            top.append(contentsOf: words[(index + 1 + cut)..<(index + 1 + length)])
            index += length + 1
        }
        var base: UInt32 = 0
        for entry: UInt32 in first.prefix(cut) { base &+= grammar.minRest[JSONMatchState.element(entry)] }
        return ([1] + top, top, base)
    }
}
