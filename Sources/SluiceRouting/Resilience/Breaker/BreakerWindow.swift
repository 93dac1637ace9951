/// The closed-state failure-rate window: a ring of time buckets holding success and failure counts.
///
/// Time is a bucket number, `floor((now - origin) / bucketWidth)`. A bucket counts while its number is
/// within the last `buckets` numbers, so an outcome stops counting between `window - bucketWidth` and
/// `window` after it was recorded. Bucket numbers never go backwards: an instant older than the newest
/// seen (threads that read the clock in another order than they take the lock) counts as the newest.
///
/// Not thread-safe: the owning ``CircuitBreaker``'s mutex guards it.
struct BreakerWindow {
    private struct Bucket {
        var number: Int64
        var successes: Int
        var failures: Int
    }

    private let origin: ContinuousClock.Instant
    private let bucketWidth: Int64
    private var ring: [Bucket]
    private var newest: Int64 = .min

    init(settings: BreakerSettings, origin: ContinuousClock.Instant) {
        self.origin = origin
        self.bucketWidth = max(ResilienceTime.nanoseconds(settings.window) / Int64(settings.buckets), 1)
        self.ring = Array(repeating: Bucket(number: .min, successes: 0, failures: 0), count: settings.buckets)
    }

    /// Counts one outcome at `now`.
    mutating func record(success: Bool, now: ContinuousClock.Instant) {
        let number = bucketNumber(now)
        let slot = Self.slot(number, count: ring.count)
        if ring[slot].number != number {
            ring[slot] = Bucket(number: number, successes: 0, failures: 0)
        }
        if success { ring[slot].successes += 1 } else { ring[slot].failures += 1 }
    }

    /// The outcomes and failures still in the window at `now`.
    mutating func counts(now: ContinuousClock.Instant) -> (requests: Int, failures: Int) {
        let current = bucketNumber(now)
        let oldest = current &- Int64(ring.count)
        var requests = 0
        var failures = 0
        for bucket in ring where bucket.number > oldest && bucket.number <= current {
            requests += bucket.successes + bucket.failures
            failures += bucket.failures
        }
        return (requests, failures)
    }

    /// Forgets every outcome.
    mutating func reset() {
        for index in ring.indices { ring[index] = Bucket(number: .min, successes: 0, failures: 0) }
    }

    private mutating func bucketNumber(_ now: ContinuousClock.Instant) -> Int64 {
        let offset = ResilienceTime.nanoseconds(now - origin)
        var number = offset / bucketWidth
        if offset < 0, offset % bucketWidth != 0 { number -= 1 }
        newest = max(newest, number)
        return newest
    }

    private static func slot(_ number: Int64, count: Int) -> Int {
        let remainder = Int(number % Int64(count))
        return remainder < 0 ? remainder + count : remainder
    }
}
