/// The state of a ``CircuitBreaker``.
public enum BreakerState: Sendable, Hashable, CustomStringConvertible {
    /// Traffic flows; outcomes are counted in the failure-rate window.
    case closed
    /// Traffic is refused until the given instant, when the breaker turns half-open.
    case open(until: ContinuousClock.Instant)
    /// A few probes are let through to find out whether the upstream has recovered.
    case halfOpen

    /// `closed`, `open`, or `half-open`, for logs and metrics labels.
    public var name: String {
        switch self {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half-open"
        }
    }

    public var description: String { name }
}

/// A change of state caused by recording an outcome, returned so the caller can log it.
public enum BreakerTransition: Sendable, Hashable {
    /// Closed → open: the failure rate over the window reached the threshold.
    case opened(until: ContinuousClock.Instant)
    /// Half-open → open: a probe failed.
    case reopened(until: ContinuousClock.Instant)
    /// Half-open → closed: enough probes succeeded.
    case closed
}
