/// Everything measured against one target (the mock directly, Sluice, or LiteLLM).
struct TargetFigures: Sendable {
    let name: String
    /// Non-streaming, `connections` connections, for the duration.
    var throughput: LoadResult
    /// Non-streaming, one connection, a fixed number of requests.
    var latency: LoadResult
    /// Streaming, one connection, a fixed number of requests; `firstByte` holds time to first byte.
    var streaming: LoadResult
    /// CPU seconds the target's process spent per completed request in the throughput run.
    var cpuSecondsPerRequest: Double?
    /// The target process's peak resident set size after all runs, in bytes.
    var peakResidentBytes: UInt64?
}
