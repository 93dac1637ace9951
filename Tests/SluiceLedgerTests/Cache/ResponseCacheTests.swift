import Testing
@testable import SluiceLedger

@Suite("ResponseCache")
struct ResponseCacheTests {
    let origin = ContinuousClock.now
    func at(ms: Int64) -> ContinuousClock.Instant { origin + .milliseconds(ms) }

    static func key(_ name: String) -> CacheKey { ResponseCache.fingerprint(name) }
    static func bytes(_ count: Int, _ fill: UInt8 = 7) -> [UInt8] { [UInt8](repeating: fill, count: count) }
    /// A cap that fits exactly `entries` values of `size` bytes.
    static func cap(entries: Int, size: Int) -> Int { entries * (size + ResponseCache.entryOverhead) }

    @Test("fingerprints are the SHA-256 of the canonical request")
    func fingerprints() {
        let abc = ResponseCache.fingerprint(Array("abc".utf8))
        #expect(abc.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ResponseCache.fingerprint("abc") == abc)
        #expect(ResponseCache.fingerprint("").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ResponseCache.fingerprint("abd") != abc)
        #expect(Set((0..<1000).map { ResponseCache.fingerprint("request \($0)") }).count == 1000)
    }

    @Test("a stored value is returned; other keys miss; stats count both")
    func hitAndMiss() {
        let cache = ResponseCache(maxBytes: 10_000, ttl: .seconds(60))
        #expect(cache.get(Self.key("a"), now: at(ms: 0)) == nil)
        #expect(cache.put(Self.key("a"), value: [1, 2, 3], now: at(ms: 0)))
        #expect(cache.get(Self.key("a"), now: at(ms: 1)) == [1, 2, 3])
        #expect(cache.get(Self.key("a"), now: at(ms: 2)) == [1, 2, 3])
        #expect(cache.get(Self.key("b"), now: at(ms: 3)) == nil)
        #expect(cache.stats == ResponseCacheStats(
            entries: 1, bytes: 3 + ResponseCache.entryOverhead, hits: 2, misses: 2, evictions: 0, expirations: 0))
    }

    @Test("entries expire ttl after they were stored, and a hit does not extend that")
    func expiry() {
        let cache = ResponseCache(maxBytes: 10_000, ttl: .seconds(10))
        cache.put(Self.key("a"), value: [1], now: at(ms: 0))
        #expect(cache.get(Self.key("a"), now: at(ms: 5_000)) == [1])
        #expect(cache.get(Self.key("a"), now: at(ms: 9_999)) == [1])
        #expect(cache.get(Self.key("a"), now: at(ms: 10_000)) == nil)
        let stats = cache.stats
        #expect(stats.entries == 0)
        #expect(stats.bytes == 0)
        #expect(stats.expirations == 1)
        #expect(stats.misses == 1)
        #expect(stats.hits == 2)
    }

    @Test("storing again replaces the value and restarts its life")
    func replace() {
        let cache = ResponseCache(maxBytes: 10_000, ttl: .seconds(10))
        cache.put(Self.key("a"), value: Self.bytes(100), now: at(ms: 0))
        cache.put(Self.key("a"), value: Self.bytes(10, 1), now: at(ms: 8_000))
        #expect(cache.get(Self.key("a"), now: at(ms: 17_000)) == Self.bytes(10, 1))
        #expect(cache.stats.entries == 1)
        #expect(cache.stats.bytes == 10 + ResponseCache.entryOverhead)
        #expect(cache.get(Self.key("a"), now: at(ms: 18_000)) == nil)
    }

    @Test("the least recently used entry is evicted first, and a hit protects an entry")
    func lru() {
        let cache = ResponseCache(maxBytes: Self.cap(entries: 3, size: 10), ttl: .seconds(60))
        for name in ["a", "b", "c"] { cache.put(Self.key(name), value: Self.bytes(10), now: at(ms: 0)) }
        #expect(cache.get(Self.key("a"), now: at(ms: 1)) != nil)
        cache.put(Self.key("d"), value: Self.bytes(10), now: at(ms: 2))
        #expect(cache.get(Self.key("b"), now: at(ms: 3)) == nil)
        for name in ["a", "c", "d"] { #expect(cache.get(Self.key(name), now: at(ms: 3)) != nil, "\(name)") }
        #expect(cache.stats.evictions == 1)
        #expect(cache.inspect { $0.keysByRecency } == ["d", "c", "a"].map(Self.key))
        // Re-storing counts as use too.
        cache.put(Self.key("a"), value: Self.bytes(10), now: at(ms: 4))
        cache.put(Self.key("e"), value: Self.bytes(10), now: at(ms: 5))
        #expect(cache.inspect { $0.keysByRecency } == ["e", "a", "d"].map(Self.key))
    }

    @Test("a large value evicts as many entries as it needs")
    func largeValueEvictsSeveral() {
        let cap = Self.cap(entries: 4, size: 100)
        let cache = ResponseCache(maxBytes: cap, ttl: .seconds(60))
        for index in 0..<4 { cache.put(Self.key("\(index)"), value: Self.bytes(100), now: at(ms: Int64(index))) }
        cache.put(Self.key("big"), value: Self.bytes(400), now: at(ms: 10))
        // 400 + overhead needs more than the room of two 100-byte entries, so three go.
        #expect(cache.stats.entries == 2)
        #expect(cache.stats.evictions == 3)
        #expect(cache.get(Self.key("3"), now: at(ms: 11)) != nil)
        #expect(cache.stats.bytes <= cap)
    }

    @Test("a value too big for the cap on its own is not stored")
    func oversize() {
        let cap = 1000
        let cache = ResponseCache(maxBytes: cap, ttl: .seconds(60))
        cache.put(Self.key("small"), value: Self.bytes(10), now: at(ms: 0))
        #expect(!cache.put(Self.key("huge"), value: Self.bytes(cap - ResponseCache.entryOverhead + 1), now: at(ms: 1)))
        #expect(cache.get(Self.key("huge"), now: at(ms: 2)) == nil)
        #expect(cache.get(Self.key("small"), now: at(ms: 2)) != nil)
        // An older value under the same key does not survive a refused store.
        #expect(!cache.put(Self.key("small"), value: Self.bytes(cap), now: at(ms: 3)))
        #expect(cache.get(Self.key("small"), now: at(ms: 4)) == nil)
        // Exactly the cap fits, alone.
        cache.put(Self.key("a"), value: Self.bytes(10), now: at(ms: 5))
        #expect(cache.put(Self.key("full"), value: Self.bytes(cap - ResponseCache.entryOverhead), now: at(ms: 6)))
        #expect(cache.stats.entries == 1)
        #expect(cache.stats.bytes == cap)
        #expect(cache.stats.evictions == 1)
    }

    @Test("expired entries are removed on demand, and the end of the list removes them as expirations")
    func removeExpired() {
        let cache = ResponseCache(maxBytes: Self.cap(entries: 3, size: 0), ttl: .seconds(10))
        cache.put(Self.key("a"), value: [], now: at(ms: 0))
        cache.put(Self.key("b"), value: [], now: at(ms: 5_000))
        cache.put(Self.key("c"), value: [], now: at(ms: 6_000))
        #expect(cache.removeExpired(now: at(ms: 12_000)) == 1)
        #expect(cache.stats.entries == 2)
        cache.put(Self.key("d"), value: [], now: at(ms: 20_000))
        cache.put(Self.key("e"), value: [], now: at(ms: 20_000))
        // "b" was oldest and expired when it made room: an expiration, not an eviction.
        let stats = cache.stats
        #expect(stats.expirations == 2)
        #expect(stats.evictions == 0)
        #expect(stats.entries == 3)
        #expect(cache.remove(Self.key("d")))
        #expect(!cache.remove(Self.key("d")))
        #expect(cache.stats.entries == 2)
        #expect(cache.inspect { $0.invariantViolations }.isEmpty)
    }

    @Test("a cache too small for any entry, or with no time to live, stores nothing")
    func storesNothing() {
        let tiny = ResponseCache(maxBytes: ResponseCache.entryOverhead - 1, ttl: .seconds(10))
        #expect(!tiny.put(Self.key("a"), value: [], now: at(ms: 0)))
        #expect(tiny.stats.entries == 0)
        let fleeting = ResponseCache(maxBytes: 10_000, ttl: .zero)
        #expect(!fleeting.put(Self.key("a"), value: [1], now: at(ms: 0)))
        #expect(fleeting.get(Self.key("a"), now: at(ms: 0)) == nil)
        #expect(fleeting.stats.entries == 0)
    }
}
