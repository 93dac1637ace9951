/// What one tier's connections saw in a peak run, by outcome: the load generator's ``LoadResult``
/// with 429s told apart from other failures and downgraded answers counted.
struct RoutingTally: Sendable {
    /// Responses with status 200.
    var ok: UInt64 = 0
    /// Of ``ok``, the answers that carried `x-sluice-downgraded` (taken to the tier's downgrade route).
    var downgraded: UInt64 = 0
    /// Responses with status 429 (shed at capacity).
    var shed: UInt64 = 0
    /// Responses with any other status.
    var otherStatus: UInt64 = 0
    /// Connections that failed or closed before their run ended.
    var broken: UInt64 = 0
    /// Request write to response end, for 200s.
    var latency = LatencyHistogram()
    /// Request write to response end, for 429s (how long a shed request waited to hear so).
    var shedLatency = LatencyHistogram()
    /// Wall time from the start of the run to the last response, in nanoseconds.
    var elapsedNanoseconds: UInt64 = 0

    /// Every request that got an answer or was lost with its connection.
    var requests: UInt64 { ok + shed + otherStatus + broken }

    /// The share of requests answered with 200, 0...1 (0 when nothing was sent).
    var successRate: Double { requests == 0 ? 0 : Double(ok) / Double(requests) }

    /// 200s per second of wall time.
    var okPerSecond: Double { elapsedNanoseconds == 0 ? 0 : Double(ok) / (Double(elapsedNanoseconds) / 1e9) }

    /// Adds another connection's figures; wall time is the longest of the two.
    mutating func merge(_ other: RoutingTally) {
        ok += other.ok
        downgraded += other.downgraded
        shed += other.shed
        otherStatus += other.otherStatus
        broken += other.broken
        latency.merge(other.latency)
        shedLatency.merge(other.shedLatency)
        elapsedNanoseconds = max(elapsedNanoseconds, other.elapsedNanoseconds)
    }
}
