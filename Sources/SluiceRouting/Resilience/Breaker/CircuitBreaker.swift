import Synchronization

/// A circuit breaker for one upstream: closed, open, or half-open, over a failure-rate window.
///
/// Around each upstream call:
/// ```swift
/// guard let permit = breaker.acquire() else { /* open: try the next fallback */ }
/// do {
///     let response = try await call()
///     breaker.record(permit, success: !isFailure(response))
/// } catch is CancellationError {
///     breaker.release(permit)  // no outcome: counts neither way
/// } catch {
///     breaker.record(permit, success: false)
/// }
/// ```
/// Which outcomes are failures is the caller's business (the gateway counts transport errors,
/// timeouts, 429 and 5xx; see ``UpstreamOutcome``). The rules are described on ``BreakerSettings``.
///
/// Every method takes the current instant as a parameter so that tests can drive the clock; it
/// defaults to `ContinuousClock.now`.
public final class CircuitBreaker: Sendable {
    /// The settings the breaker was created with (after clamping).
    public let settings: BreakerSettings
    private let core: Mutex<BreakerCore>

    public init(settings: BreakerSettings = BreakerSettings(), now: ContinuousClock.Instant = .now) {
        self.settings = settings
        self.core = Mutex(BreakerCore(settings: settings, origin: now))
    }

    /// The state now. An open breaker whose time is up reads (and turns) half-open.
    public var state: BreakerState { state(now: .now) }

    /// The state at `now`. An open breaker whose time is up reads (and turns) half-open.
    public func state(now: ContinuousClock.Instant) -> BreakerState {
        core.withLock { $0.state(now: now) }
    }

    /// Whether ``acquire(now:)`` would hand out a permit at `now`, without taking one: closed, or
    /// half-open with a probe slot free. For filtering candidates (say, in ``ReplicaBalancer/pick(excluding:isAvailable:affinity:)``)
    /// before committing to one.
    public func allowsRequest(now: ContinuousClock.Instant = .now) -> Bool {
        core.withLock { $0.allowsRequest(now: now) }
    }

    /// Leave to send one request, or `nil` when the breaker is open, or half-open with all
    /// ``BreakerSettings/halfOpenProbes`` probes already in flight. A permit handed out while half-open
    /// is a probe (``BreakerPermit/isProbe``).
    public func acquire(now: ContinuousClock.Instant = .now) -> BreakerPermit? {
        core.withLock { $0.acquire(now: now) }
    }

    /// Gives back a permit with its request's outcome.
    ///
    /// While closed the outcome enters the window, and a failure that brings the failure rate to the
    /// threshold (with at least ``BreakerSettings/minimumRequests`` outcomes) opens the breaker. While
    /// half-open only probes count: ``BreakerSettings/successesToClose`` successes close it, one failure
    /// opens it again. Outcomes of permits issued before the last change of state are ignored.
    /// - Returns: The change of state this outcome caused, if any, for logging.
    @discardableResult
    public func record(_ permit: BreakerPermit, success: Bool, now: ContinuousClock.Instant = .now) -> BreakerTransition? {
        core.withLock { $0.record(permit, success: success, now: now) }
    }

    /// Gives back a permit whose request has no outcome (cancelled, or never sent). It counts neither as
    /// a success nor as a failure; a probe's half-open slot is freed.
    public func release(_ permit: BreakerPermit) {
        core.withLock { $0.release(permit) }
    }

    /// The state and counts at `now`.
    public func snapshot(now: ContinuousClock.Instant = .now) -> BreakerSnapshot {
        core.withLock { $0.snapshot(now: now) }
    }
}
