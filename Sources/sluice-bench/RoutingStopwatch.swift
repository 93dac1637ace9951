/// Times a call one call at a time with `ContinuousClock`, into a ``LatencyHistogram``.
///
/// Each call is timed on its own (`now`, call, `now`); nothing is subtracted, so every figure includes
/// one clock read. The clock's own cost is what timing an empty call gives. The call returns a label
/// of its outcome (such as the chosen model), which is tallied outside the timed region: the label
/// shows what was decided and keeps the optimiser from dropping the work.
struct RoutingStopwatch: Sendable {
    /// Timed calls per measurement.
    let iterations: Int
    /// Untimed calls first, to warm caches and the allocator.
    let warmup: Int

    /// What one measurement found.
    struct Timing: Sendable {
        let name: String
        let histogram: LatencyHistogram
        /// How many calls returned each label.
        let outcomes: [String: Int]
    }

    /// Calls `body` ``warmup`` times untimed, then ``iterations`` times, timing each call.
    func measure(_ name: String, _ body: () -> String) -> Timing {
        var outcomes: [String: Int] = [:]
        for _ in 0..<warmup { outcomes[body(), default: 0] += 0 }
        var histogram = LatencyHistogram()
        let clock = ContinuousClock()
        for _ in 0..<iterations {
            let start = clock.now
            let label = body()
            let end = clock.now
            histogram.record(nanoseconds: Self.nanoseconds(end - start))
            outcomes[label, default: 0] += 1
        }
        // The warm-up's labels were counted as zero only to keep its calls.
        return Timing(name: name, histogram: histogram, outcomes: outcomes.filter { $0.value > 0 })
    }

    /// A non-negative duration in whole nanoseconds.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}
