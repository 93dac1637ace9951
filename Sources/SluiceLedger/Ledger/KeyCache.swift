import Foundation
import Synchronization

/// Recently looked-up keys by secret hash, so that authenticating a request costs a dictionary lookup,
/// not a database query. Entries live `ttl` seconds, so a key revoked by another process (the CLI, or
/// another replica) stops working within that time; revocation through this process's admin API is
/// immediate (``invalidate(secretHash:)``).
final class KeyCache: Sendable {
    struct Entry {
        var key: VirtualKey?
        var fetchedAt: Date
    }

    let ttl: TimeInterval
    let maxEntries: Int
    let entries = Mutex<[String: Entry]>([:])

    init(ttl: TimeInterval, maxEntries: Int = 100_000) {
        self.ttl = ttl
        self.maxEntries = maxEntries
    }

    /// The cached lookup for `secretHash`: `.some(nil)` is a cached miss; nil means not cached.
    func lookup(_ secretHash: String, now: Date) -> VirtualKey?? {
        entries.withLock { entries in
            guard let entry = entries[secretHash], now.timeIntervalSince(entry.fetchedAt) < ttl else { return nil }
            return .some(entry.key)
        }
    }

    func store(_ key: VirtualKey?, secretHash: String, now: Date) {
        entries.withLock { entries in
            if entries.count >= maxEntries {
                entries = entries.filter { now.timeIntervalSince($0.value.fetchedAt) < ttl }
                if entries.count >= maxEntries { entries.removeAll(keepingCapacity: true) }
            }
            entries[secretHash] = Entry(key: key, fetchedAt: now)
        }
    }

    func invalidate(secretHash: String) {
        _ = entries.withLock { $0.removeValue(forKey: secretHash) }
    }
}
