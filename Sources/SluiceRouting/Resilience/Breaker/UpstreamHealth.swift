import Synchronization

/// The circuit breakers of all upstreams, one per upstream id, created on first use with shared
/// settings.
///
/// The gateway keeps one registry for the process, so that every route through an upstream sees the
/// same breaker.
public final class UpstreamHealth: Sendable {
    /// The settings of every breaker in the registry.
    public let settings: BreakerSettings
    private let breakers: Mutex<[String: CircuitBreaker]>

    public init(settings: BreakerSettings = BreakerSettings()) {
        self.settings = settings
        self.breakers = Mutex([:])
    }

    /// The breaker of `upstream`, created closed if there is none yet.
    public func breaker(for upstream: String, now: ContinuousClock.Instant = .now) -> CircuitBreaker {
        breakers.withLock { breakers in
            if let breaker = breakers[upstream] { return breaker }
            let breaker = CircuitBreaker(settings: settings, now: now)
            breakers[upstream] = breaker
            return breaker
        }
    }

    /// Whether `upstream` would take a request at `now` (see ``CircuitBreaker/allowsRequest(now:)``).
    /// An upstream without a breaker yet is available.
    public func allowsRequest(to upstream: String, now: ContinuousClock.Instant = .now) -> Bool {
        let breaker = breakers.withLock { $0[upstream] }
        return breaker?.allowsRequest(now: now) ?? true
    }

    /// Every known upstream's breaker state and counts at `now`, by upstream id.
    public func snapshot(now: ContinuousClock.Instant = .now) -> [String: BreakerSnapshot] {
        // Copy the references out first so no breaker lock is taken under the registry lock.
        let current = breakers.withLock { $0 }
        return current.mapValues { $0.snapshot(now: now) }
    }
}
