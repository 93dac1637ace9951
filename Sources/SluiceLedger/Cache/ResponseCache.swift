import Crypto
import Synchronization

/// An exact-match cache of responses, bounded by a time to live and a byte cap, evicting the least
/// recently used entries first.
///
/// The gateway computes a canonical fingerprint of a request (the parts that determine the response)
/// and stores the serialized response under its ``fingerprint(_:)``, a SHA-256, so a key costs 32 bytes
/// whatever the prompt's size:
///
/// ```swift
/// let key = ResponseCache.fingerprint(canonicalRequest)
/// if let body = cache.get(key) { return body }
/// let body = try await upstream(...)
/// cache.put(key, value: body)
/// ```
///
/// - A hit makes an entry the most recently used but does not extend its life: an entry expires `ttl`
///   after it was stored. Expired entries are never returned; they are removed when looked up, when
///   they reach the end of the recency list, or by ``removeExpired(now:)``.
/// - The cap counts each entry as its value's bytes plus ``entryOverhead``. A value that cannot fit on
///   its own is not stored. Storing evicts least recently used entries until the total is within the cap.
/// - `get` and `put` are O(1) under one mutex; the cache lives in this process's memory only.
public final class ResponseCache: Sendable {
    /// What each entry costs beyond its value's bytes: the node (key, links, expiry, the value's array
    /// header) and its dictionary slot, rounded up.
    public static let entryOverhead = 128

    /// The most bytes the entries may take, counted as above.
    public let maxBytes: Int
    /// How long an entry lives after it is stored.
    public let ttl: Duration

    private let table: Mutex<LRUTable>

    public init(maxBytes: Int, ttl: Duration) {
        self.maxBytes = maxBytes
        self.ttl = ttl
        table = Mutex(LRUTable(maxBytes: maxBytes, ttl: ttl, entryOverhead: Self.entryOverhead))
    }

    /// The cache key of a canonical request: its SHA-256.
    public static func fingerprint(_ canonicalRequest: [UInt8]) -> CacheKey {
        CacheKey(SHA256.hash(data: canonicalRequest))
    }

    /// The cache key of a canonical request given as text: the SHA-256 of its UTF-8 bytes.
    public static func fingerprint(_ canonicalRequest: String) -> CacheKey {
        var hasher = SHA256()
        var text = canonicalRequest
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return CacheKey(hasher.finalize())
    }

    /// The stored value for `key`, unless there is none or it has expired at `now`. A hit makes the entry
    /// the most recently used.
    public func get(_ key: CacheKey, now: ContinuousClock.Instant = .now) -> [UInt8]? {
        table.withLock { $0.get(key, now: now) }
    }

    /// Stores `value` under `key` until `now + ttl`, replacing any older value, and evicts least recently
    /// used entries until the cache is within ``maxBytes``. Returns `false`, storing nothing (and dropping
    /// an older value under `key`), when the value alone is larger than the cap or `ttl` is not positive.
    @discardableResult
    public func put(_ key: CacheKey, value: [UInt8], now: ContinuousClock.Instant = .now) -> Bool {
        table.withLock { $0.put(key, value: value, now: now) }
    }

    /// Removes `key`'s entry. Returns whether there was one.
    @discardableResult
    public func remove(_ key: CacheKey) -> Bool {
        table.withLock { $0.remove(key) }
    }

    /// Removes every entry expired at `now` (O(entries); for an occasional clean-up). Returns how many.
    @discardableResult
    public func removeExpired(now: ContinuousClock.Instant = .now) -> Int {
        table.withLock { $0.removeExpired(now: now) }
    }

    /// The current size and counters.
    public var stats: ResponseCacheStats {
        table.withLock { table in
            ResponseCacheStats(
                entries: table.count, bytes: table.bytes, hits: table.hits, misses: table.misses,
                evictions: table.evictions, expirations: table.expirations)
        }
    }

    /// Runs `body` on the table under the lock (for tests).
    func inspect<Result: Sendable>(_ body: (LRUTable) -> Result) -> Result {
        table.withLock { body($0) }
    }
}
