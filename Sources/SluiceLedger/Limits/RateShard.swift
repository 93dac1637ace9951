import Synchronization

/// One independently locked part of a ``RateLimiter``'s key table.
final class RateShard: Sendable {
    /// A key id with its hash, computed once per call to pick the shard and reused by the dictionary.
    struct Key: Hashable {
        let id: String
        let hash: Int

        init(_ id: String) {
            self.id = id
            hash = id.hashValue
        }

        static func == (lhs: Key, rhs: Key) -> Bool { lhs.hash == rhs.hash && lhs.id == rhs.id }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    struct Table {
        var windows: [Key: KeyWindow] = [:]
        /// The last epoch handed to a new window.
        var lastEpoch: UInt64 = 0
        /// The size at which a new key first sweeps the idle ones.
        var sweepThreshold: Int
        let minimumSweep: Int

        init(minimumSweep: Int) {
            self.minimumSweep = minimumSweep
            sweepThreshold = minimumSweep
        }

        /// Runs `body` on the key's window, made (with a new epoch) if the key has none. Before a new key
        /// makes a full table fuller, the idle windows are swept.
        mutating func withWindow<Result>(
            _ key: Key, now: Int64, _ body: (inout KeyWindow) -> Result
        ) -> Result {
            if windows.count >= sweepThreshold, windows[key] == nil { sweep(now: now) }
            let count = windows.count
            let result = body(&windows[key, default: KeyWindow(epoch: lastEpoch &+ 1)])
            if windows.count != count { lastEpoch &+= 1 }
            return result
        }

        /// Drops the windows with nothing left in them, and sets the next sweep at twice what remains.
        mutating func sweep(now: Int64) {
            windows = windows.filter { !$0.value.isIdle(now: now, window: RateLimiter.windowNanos) }
            sweepThreshold = Swift.max(minimumSweep, windows.count * 2)
        }
    }

    let state: Mutex<Table>

    init(minimumSweep: Int) {
        state = Mutex(Table(minimumSweep: minimumSweep))
    }
}
