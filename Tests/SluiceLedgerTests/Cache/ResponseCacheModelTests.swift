import Testing
@testable import SluiceLedger

/// SplitMix64: a small seeded generator, so a failing sequence can be replayed.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The obvious, slow cache: an array kept newest first.
private struct ReferenceCache {
    struct Entry {
        var key: CacheKey
        var value: [UInt8]
        var expires: ContinuousClock.Instant
    }

    let maxBytes: Int
    let ttl: Duration
    var entries: [Entry] = []
    var hits = 0, misses = 0, evictions = 0, expirations = 0

    var bytes: Int { entries.reduce(0) { $0 + $1.value.count + ResponseCache.entryOverhead } }

    mutating func get(_ key: CacheKey, now: ContinuousClock.Instant) -> [UInt8]? {
        guard let index = entries.firstIndex(where: { $0.key == key }) else {
            misses += 1
            return nil
        }
        let entry = entries.remove(at: index)
        if entry.expires <= now {
            expirations += 1
            misses += 1
            return nil
        }
        hits += 1
        entries.insert(entry, at: 0)
        return entry.value
    }

    mutating func put(_ key: CacheKey, value: [UInt8], now: ContinuousClock.Instant) -> Bool {
        entries.removeAll { $0.key == key }
        guard value.count + ResponseCache.entryOverhead <= maxBytes else { return false }
        entries.insert(Entry(key: key, value: value, expires: now + ttl), at: 0)
        while bytes > maxBytes {
            let victim = entries.removeLast()
            if victim.expires <= now { expirations += 1 } else { evictions += 1 }
        }
        return true
    }

    mutating func remove(_ key: CacheKey) -> Bool {
        let before = entries.count
        entries.removeAll { $0.key == key }
        return entries.count != before
    }

    mutating func removeExpired(now: ContinuousClock.Instant) -> Int {
        let before = entries.count
        entries.removeAll { $0.expires <= now }
        expirations += before - entries.count
        return before - entries.count
    }

    var stats: ResponseCacheStats {
        ResponseCacheStats(
            entries: entries.count, bytes: bytes, hits: hits, misses: misses, evictions: evictions,
            expirations: expirations)
    }
}

@Suite("ResponseCache against a reference model")
struct ResponseCacheModelTests {
    @Test("random operations agree with the model and never pass the byte cap", arguments: [1, 2, 3, 42, 2024] as [UInt64])
    func matchesModel(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let maxBytes = Int.random(in: 600...3000, using: &random)
        let ttl = Duration.milliseconds(Int64.random(in: 50...1000, using: &random))
        let cache = ResponseCache(maxBytes: maxBytes, ttl: ttl)
        var model = ReferenceCache(maxBytes: maxBytes, ttl: ttl)
        let keys = (0..<24).map { ResponseCache.fingerprint("key \($0)") }
        var now = ContinuousClock.now
        for step in 0..<4000 {
            let key = keys.randomElement(using: &random)!
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<45:
                try #require(cache.get(key, now: now) == model.get(key, now: now), "get at step \(step), seed \(seed)")
            case 45..<85:
                let size = Int.random(in: 0...(maxBytes / (Bool.random(using: &random) ? 2 : 12)), using: &random)
                let value = [UInt8](repeating: UInt8(truncatingIfNeeded: step), count: size)
                try #require(cache.put(key, value: value, now: now) == model.put(key, value: value, now: now))
            case 85..<88:
                let size = Int.random(in: (maxBytes - 200)...(maxBytes + 50), using: &random)
                let value = [UInt8](repeating: 1, count: size)
                try #require(cache.put(key, value: value, now: now) == model.put(key, value: value, now: now))
            case 88..<92:
                try #require(cache.remove(key) == model.remove(key))
            case 92..<93:
                try #require(cache.removeExpired(now: now) == model.removeExpired(now: now))
            default:
                now += .milliseconds(Int64.random(in: 0...300, using: &random))
            }
            let stats = cache.stats
            try #require(stats == model.stats, "stats at step \(step), seed \(seed)")
            try #require(stats.bytes <= maxBytes)
            if step % 97 == 0 {
                try #require(cache.inspect { $0.keysByRecency } == model.entries.map(\.key))
                try #require(cache.inspect { $0.invariantViolations } == [])
            }
        }
        #expect(cache.stats.hits > 0)
        #expect(cache.stats.evictions > 0)
        #expect(cache.stats.expirations > 0)
    }

    @Test("concurrent gets and puts from many tasks keep the cache consistent and within its cap")
    func concurrent() async {
        let maxBytes = 20_000
        let cache = ResponseCache(maxBytes: maxBytes, ttl: .milliseconds(50))
        let keys = (0..<200).map { ResponseCache.fingerprint("key \($0)") }
        let tasks = 32
        let operations = 2000
        // Per task: lookups made, and values that came back torn or mixed up with another.
        let (gets, torn) = await withTaskGroup(of: (Int, Int).self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var random = SeededGenerator(seed: UInt64(task))
                    var gets = 0
                    var torn = 0
                    for _ in 0..<operations {
                        let key = keys.randomElement(using: &random)!
                        if Bool.random(using: &random) {
                            gets += 1
                            // Every stored value's bytes all equal its length's low byte.
                            if let value = cache.get(key),
                                !value.allSatisfy({ $0 == UInt8(truncatingIfNeeded: value.count) })
                            {
                                torn += 1
                            }
                        } else {
                            let size = Int.random(in: 0...900, using: &random)
                            cache.put(key, value: [UInt8](repeating: UInt8(truncatingIfNeeded: size), count: size))
                        }
                    }
                    return (gets, torn)
                }
            }
            return await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        }
        let stats = cache.stats
        #expect(torn == 0)
        #expect(stats.hits + stats.misses == gets)
        #expect(stats.hits > 0)
        #expect(stats.bytes <= maxBytes)
        #expect(stats.evictions > 0)
        #expect(cache.inspect { $0.invariantViolations } == [])
        #expect(cache.inspect { $0.keysByRecency.count } == stats.entries)
    }
}
