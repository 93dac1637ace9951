/// A circuit breaker's state and counts at one instant, for metrics and logs.
public struct BreakerSnapshot: Sendable, Hashable {
    /// The state at the instant of the snapshot (an open breaker whose time is up reads half-open).
    public var state: BreakerState
    /// Outcomes in the failure-rate window (closed state only; 0 otherwise).
    public var requestsInWindow: Int
    /// Failures among them.
    public var failuresInWindow: Int
    /// Probes in flight (half-open state only).
    public var probesInFlight: Int
    /// Failed probes in a row since the breaker last closed.
    public var consecutiveFailedProbes: Int
    /// How many times the breaker has opened (from closed or half-open) since it was created.
    public var timesOpened: Int

    /// `failuresInWindow / requestsInWindow`, or `nil` with no outcomes in the window.
    public var failureRate: Double? {
        requestsInWindow == 0 ? nil : Double(failuresInWindow) / Double(requestsInWindow)
    }

    public init(
        state: BreakerState, requestsInWindow: Int, failuresInWindow: Int, probesInFlight: Int,
        consecutiveFailedProbes: Int, timesOpened: Int
    ) {
        self.state = state
        self.requestsInWindow = requestsInWindow
        self.failuresInWindow = failuresInWindow
        self.probesInFlight = probesInFlight
        self.consecutiveFailedProbes = consecutiveFailedProbes
        self.timesOpened = timesOpened
    }
}
