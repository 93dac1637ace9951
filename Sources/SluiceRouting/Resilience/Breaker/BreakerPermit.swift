/// Leave to send one request through a ``CircuitBreaker``, handed out by
/// ``CircuitBreaker/acquire(now:)``.
///
/// Give every permit back exactly once: with ``CircuitBreaker/record(_:success:now:)`` when the
/// request's outcome is known, or with ``CircuitBreaker/release(_:)`` when it has none (the caller was
/// cancelled, or gave up before sending). A probe permit that is never given back keeps its half-open
/// slot taken.
public struct BreakerPermit: Sendable, Hashable {
    /// Which state of the breaker issued the permit. Outcomes of permits from an earlier state (a
    /// request that was in flight when the breaker opened, say) are ignored.
    let generation: UInt64
    /// Whether this request is a half-open probe.
    public let isProbe: Bool

    init(generation: UInt64, isProbe: Bool) {
        self.generation = generation
        self.isProbe = isProbe
    }
}
