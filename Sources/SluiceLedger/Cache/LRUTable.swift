/// The single-threaded heart of ``ResponseCache``: a dictionary from key to slot, and a doubly linked
/// list through the slots of an array, newest first. Every operation is O(1) except
/// ``removeExpired(now:)``. Freed slots are reused, so the array never holds more slots than the most
/// entries ever held at once (at most `maxBytes / entryOverhead`).
struct LRUTable {
    struct Node {
        var key: CacheKey
        var value: [UInt8]
        var expires: ContinuousClock.Instant
        /// The slot used more recently than this one, or `none`.
        var newer: Int
        /// The slot used less recently than this one, or `none`.
        var older: Int
    }

    static let none = -1

    let maxBytes: Int
    let ttl: Duration
    let entryOverhead: Int

    private(set) var nodes: [Node] = []
    private var freeSlots: [Int] = []
    private var index: [CacheKey: Int] = [:]
    private var newest = none
    private var oldest = none
    private(set) var bytes = 0
    private(set) var hits = 0
    private(set) var misses = 0
    private(set) var evictions = 0
    private(set) var expirations = 0

    init(maxBytes: Int, ttl: Duration, entryOverhead: Int) {
        self.maxBytes = maxBytes
        self.ttl = ttl
        self.entryOverhead = entryOverhead
    }

    var count: Int { index.count }

    /// The value for `key` if it has not expired at `now`; a hit makes the entry the most recently used.
    mutating func get(_ key: CacheKey, now: ContinuousClock.Instant) -> [UInt8]? {
        guard let slot = index[key] else {
            misses += 1
            return nil
        }
        if nodes[slot].expires <= now {
            remove(slot: slot)
            expirations += 1
            misses += 1
            return nil
        }
        hits += 1
        if slot != newest {
            unlink(slot)
            linkNewest(slot)
        }
        return nodes[slot].value
    }

    /// Stores `value` as the most recently used entry, expiring at `now + ttl`, then evicts least
    /// recently used entries until the table is within `maxBytes`. A value too large for the cap on its
    /// own is not stored (nor is anything with a `ttl` of zero or less), and an older value under the
    /// same key is removed.
    mutating func put(_ key: CacheKey, value: [UInt8], now: ContinuousClock.Instant) -> Bool {
        let cost = value.count + entryOverhead
        guard cost <= maxBytes, ttl > .zero else {
            if let slot = index[key] { remove(slot: slot) }
            return false
        }
        let expires = now + ttl
        if let slot = index[key] {
            bytes += value.count - nodes[slot].value.count
            nodes[slot].value = value
            nodes[slot].expires = expires
            if slot != newest {
                unlink(slot)
                linkNewest(slot)
            }
        } else {
            let node = Node(key: key, value: value, expires: expires, newer: Self.none, older: Self.none)
            let slot: Int
            if let reused = freeSlots.popLast() {
                nodes[reused] = node
                slot = reused
            } else {
                slot = nodes.count
                nodes.append(node)
            }
            index[key] = slot
            bytes += cost
            linkNewest(slot)
        }
        while bytes > maxBytes {
            // The new entry fits on its own, so the oldest is never the entry just stored.
            let victim = oldest
            if nodes[victim].expires <= now { expirations += 1 } else { evictions += 1 }
            remove(slot: victim)
        }
        return true
    }

    /// Removes `key`'s entry, if any. Returns whether there was one.
    mutating func remove(_ key: CacheKey) -> Bool {
        guard let slot = index[key] else { return false }
        remove(slot: slot)
        return true
    }

    /// Removes every entry expired at `now`, walking the whole list. Returns how many.
    mutating func removeExpired(now: ContinuousClock.Instant) -> Int {
        var removed = 0
        var slot = oldest
        while slot != Self.none {
            let next = nodes[slot].newer
            if nodes[slot].expires <= now {
                remove(slot: slot)
                removed += 1
            }
            slot = next
        }
        expirations += removed
        return removed
    }

    private mutating func remove(slot: Int) {
        unlink(slot)
        index[nodes[slot].key] = nil
        bytes -= nodes[slot].value.count + entryOverhead
        nodes[slot].value = []
        freeSlots.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let newer = nodes[slot].newer
        let older = nodes[slot].older
        if newer == Self.none { newest = older } else { nodes[newer].older = older }
        if older == Self.none { oldest = newer } else { nodes[older].newer = newer }
        nodes[slot].newer = Self.none
        nodes[slot].older = Self.none
    }

    private mutating func linkNewest(_ slot: Int) {
        nodes[slot].older = newest
        nodes[slot].newer = Self.none
        if newest == Self.none { oldest = slot } else { nodes[newest].newer = slot }
        newest = slot
    }
}

extension LRUTable {
    /// The keys from most to least recently used (for tests).
    var keysByRecency: [CacheKey] {
        var keys: [CacheKey] = []
        var slot = newest
        while slot != Self.none {
            keys.append(nodes[slot].key)
            slot = nodes[slot].older
        }
        return keys
    }

    /// Everything wrong with the table's internal links and sums; empty when it is consistent (for tests).
    var invariantViolations: [String] {
        var problems: [String] = []
        var seen = Set<Int>()
        var sum = 0
        var slot = newest
        var previous = Self.none
        while slot != Self.none {
            guard slot >= 0, slot < nodes.count, seen.insert(slot).inserted else {
                problems.append("list reaches slot \(slot) twice or out of range")
                break
            }
            if nodes[slot].newer != previous { problems.append("slot \(slot) has a wrong newer link") }
            if index[nodes[slot].key] != slot { problems.append("slot \(slot) is not indexed under its key") }
            sum += nodes[slot].value.count + entryOverhead
            previous = slot
            slot = nodes[slot].older
        }
        if previous != oldest { problems.append("the list does not end at the oldest slot") }
        if seen.count != index.count { problems.append("list has \(seen.count) entries, index \(index.count)") }
        if sum != bytes { problems.append("bytes \(bytes) but entries sum to \(sum)") }
        if bytes > maxBytes { problems.append("bytes \(bytes) over the cap \(maxBytes)") }
        if !seen.isDisjoint(with: freeSlots) { problems.append("a free slot is still in the list") }
        if seen.count + freeSlots.count != nodes.count { problems.append("slots leak") }
        return problems
    }
}
