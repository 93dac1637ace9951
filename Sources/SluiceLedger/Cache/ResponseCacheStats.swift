/// A snapshot of a ``ResponseCache``'s size and counters.
public struct ResponseCacheStats: Sendable, Hashable, Codable {
    /// Entries held, expired ones not yet removed included.
    public var entries: Int
    /// Bytes charged against the cap: each entry's value bytes plus ``ResponseCache/entryOverhead``.
    public var bytes: Int
    /// Lookups that returned a value.
    public var hits: Int
    /// Lookups that found nothing, or only an expired entry.
    public var misses: Int
    /// Entries removed, least recently used first, to make room under the byte cap.
    public var evictions: Int
    /// Entries removed because their time to live had passed.
    public var expirations: Int

    public init(entries: Int, bytes: Int, hits: Int, misses: Int, evictions: Int, expirations: Int) {
        self.entries = entries
        self.bytes = bytes
        self.hits = hits
        self.misses = misses
        self.evictions = evictions
        self.expirations = expirations
    }
}
