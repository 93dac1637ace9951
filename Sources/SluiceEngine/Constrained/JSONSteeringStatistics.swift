/// Counters of one constrained run (for benchmarks and diagnostics).
public struct JSONSteeringStatistics: Sendable, Equatable {
    /// `allows` calls (one per sampled, unforced token).
    public var checks: Int = 0
    /// `mask` calls (the sampled token was refused).
    public var masks: Int = 0
    /// Masks whose trie walk was not cached.
    public var maskWalks: Int = 0
    /// Time spent in `mask`, in nanoseconds.
    public var maskNanoseconds: UInt64 = 0
    /// Tokens forced (prefix, suffix, and the shortest completion near the token budget).
    public var forced: Int = 0

    public init() {}
}
