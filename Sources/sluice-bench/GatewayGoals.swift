/// The goals for the gateway on the 2-core machine.
enum GatewayGoals {
    /// Non-streaming requests per second at 32 connections.
    static let requestsPerSecond: Double = 15_000
    /// Added latency at the median, one connection, in nanoseconds.
    static let addedP50: Double = 200_000
    /// Added latency at the 99th percentile, one connection, in nanoseconds.
    static let addedP99: Double = 1_000_000
    /// Peak resident set size of the gateway under load, in bytes.
    static let peakResidentBytes: UInt64 = 60 * 1_048_576

    /// `met` or `missed by <how much>`.
    static func verdict(met: Bool, shortBy: String) -> String {
        met ? "met" : "MISSED by \(shortBy)"
    }
}
