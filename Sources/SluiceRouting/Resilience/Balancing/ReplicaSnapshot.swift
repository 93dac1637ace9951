/// One replica's load and latency at one instant, for metrics and logs.
public struct ReplicaSnapshot: Sendable, Hashable {
    public var id: String
    public var weight: Int
    public var capacity: Int?
    /// Requests started and not yet finished.
    public var inFlight: Int
    /// The latency EWMA, or `nil` before the first measurement.
    public var latencyEWMA: Duration?
    /// Requests finished, successful or not.
    public var completed: Int
    /// Requests finished unsuccessfully.
    public var failures: Int

    public init(
        id: String, weight: Int, capacity: Int?, inFlight: Int, latencyEWMA: Duration?, completed: Int, failures: Int
    ) {
        self.id = id
        self.weight = weight
        self.capacity = capacity
        self.inFlight = inFlight
        self.latencyEWMA = latencyEWMA
        self.completed = completed
        self.failures = failures
    }
}
