import Synchronization

/// Counts, from the callers' side, the requests holding a slot, and the most there ever were, in total
/// and by tier. A caller counts itself after `enter` returns and uncounts itself before `leave`, so its
/// counts never exceed the gate's own.
final class InFlightTracker: Sendable {
    private struct Counts {
        var current: [String: Int] = [:]
        var peak: [String: Int] = [:]
        var total = 0
        var peakTotal = 0
    }

    private let counts = Mutex(Counts())

    func enter(_ tier: String) {
        counts.withLock { counts in
            counts.current[tier, default: 0] += 1
            counts.peak[tier] = Swift.max(counts.peak[tier] ?? 0, counts.current[tier]!)
            counts.total += 1
            counts.peakTotal = Swift.max(counts.peakTotal, counts.total)
        }
    }

    func leave(_ tier: String) {
        counts.withLock { counts in
            counts.current[tier, default: 0] -= 1
            counts.total -= 1
        }
    }

    var peakTotal: Int { counts.withLock { $0.peakTotal } }

    func peak(_ tier: String) -> Int { counts.withLock { $0.peak[tier] ?? 0 } }
}
