extension JSONMatcher {
    /// The bytes of a shortest completion of `state` into a finished document (empty when it is
    /// already accepting).
    mutating func shortestCompletion(from state: JSONMatchState) -> [UInt8] {
        var current: JSONMatchState = state
        var path: [UInt8] = []
        var remaining: UInt32 = minimumBytes(current)
        while remaining > 0 && remaining < JSONGrammar.infinity && !current.isDead {
            var chosen: ArraySlice<UInt32>?
            current.forEachStack { (entries: ArraySlice<UInt32>) -> Void in
                if chosen == nil && !entries.isEmpty && cost(entries) == remaining { chosen = entries }
            }
            guard let top: UInt32 = chosen?.last else { break }
            let element: Int = JSONMatchState.element(top)
            let byte: UInt8 =
                grammar.kinds[element] == JSONGrammar.Kind.char
                ? JSONStringChar.shortestByte(JSONMatchState.sub(top)) : grammar.preferredByte(grammar.args[element])
            let next: JSONMatchState = advance(current, bytes: [byte])
            let after: UInt32 = minimumBytes(next)
            guard !next.isDead, after < remaining else { break }
            path.append(byte)
            current = next
            remaining = after
        }
        return path
    }
}
