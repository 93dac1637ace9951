/// What one load run measured, over all its connections.
struct LoadResult: Sendable {
    /// Responses that completed with status 200.
    var completed: UInt64 = 0
    /// Responses with another status, plus connections that failed or closed early.
    var errors: UInt64 = 0
    /// Wall time from the first request to the last response, in nanoseconds.
    var elapsedNanoseconds: UInt64 = 0
    /// Request write to response end, for 200 responses.
    var latency = LatencyHistogram()
    /// Request write to the first body byte carrying `data:`, when the plan asked for it.
    var firstByte = LatencyHistogram()

    /// Completed responses per second of wall time.
    var requestsPerSecond: Double {
        elapsedNanoseconds == 0 ? 0 : Double(completed) / (Double(elapsedNanoseconds) / 1e9)
    }

    /// Adds another connection's figures; wall time is the longest of the two.
    mutating func merge(_ other: LoadResult) {
        completed += other.completed
        errors += other.errors
        elapsedNanoseconds = max(elapsedNanoseconds, other.elapsedNanoseconds)
        latency.merge(other.latency)
        firstByte.merge(other.firstByte)
    }
}
