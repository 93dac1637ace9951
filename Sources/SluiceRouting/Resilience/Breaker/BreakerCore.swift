/// The circuit breaker's state machine, without the lock. ``CircuitBreaker`` wraps it in a `Mutex`.
///
/// Every change of state bumps ``generation``; permits carry the generation that issued them, and
/// outcomes of permits from another generation change nothing (see ``BreakerPermit``).
struct BreakerCore {
    private enum Phase {
        case closed
        case open(until: ContinuousClock.Instant)
        case halfOpen(probesInFlight: Int, successes: Int)
    }

    let settings: BreakerSettings
    private var phase: Phase = .closed
    private var window: BreakerWindow
    private var generation: UInt64 = 0
    private var consecutiveFailedProbes = 0
    private var timesOpened = 0

    init(settings: BreakerSettings, origin: ContinuousClock.Instant) {
        self.settings = settings
        self.window = BreakerWindow(settings: settings, origin: origin)
    }

    /// The state at `now`, after an open breaker whose time is up has turned half-open.
    mutating func state(now: ContinuousClock.Instant) -> BreakerState {
        advance(now: now)
        switch phase {
        case .closed: return .closed
        case .open(let until): return .open(until: until)
        case .halfOpen: return .halfOpen
        }
    }

    /// Whether ``acquire(now:)`` would hand out a permit at `now`, without taking one.
    mutating func allowsRequest(now: ContinuousClock.Instant) -> Bool {
        advance(now: now)
        switch phase {
        case .closed: return true
        case .open: return false
        case .halfOpen(let probes, _): return probes < settings.halfOpenProbes
        }
    }

    mutating func acquire(now: ContinuousClock.Instant) -> BreakerPermit? {
        advance(now: now)
        switch phase {
        case .closed:
            return BreakerPermit(generation: generation, isProbe: false)
        case .open:
            return nil
        case .halfOpen(let probes, let successes):
            guard probes < settings.halfOpenProbes else { return nil }
            phase = .halfOpen(probesInFlight: probes + 1, successes: successes)
            return BreakerPermit(generation: generation, isProbe: true)
        }
    }

    mutating func record(_ permit: BreakerPermit, success: Bool, now: ContinuousClock.Instant) -> BreakerTransition? {
        advance(now: now)
        guard permit.generation == generation else { return nil }
        switch phase {
        case .closed:
            window.record(success: success, now: now)
            guard !success else { return nil }
            let (requests, failures) = window.counts(now: now)
            guard requests >= settings.minimumRequests,
                Double(failures) >= settings.failureRateToOpen * Double(requests)
            else { return nil }
            let until = now + settings.openDuration
            open(until: until)
            return .opened(until: until)
        case .open:
            // Only reachable for a permit of this generation, which an open breaker never issues.
            return nil
        case .halfOpen(let probes, let successes):
            guard permit.isProbe else { return nil }
            if success {
                let succeeded = successes + 1
                guard succeeded >= settings.successesToClose else {
                    phase = .halfOpen(probesInFlight: max(probes - 1, 0), successes: succeeded)
                    return nil
                }
                phase = .closed
                window.reset()
                generation &+= 1
                consecutiveFailedProbes = 0
                return .closed
            }
            consecutiveFailedProbes += 1
            let until = now + settings.openDuration(afterFailedProbes: consecutiveFailedProbes)
            open(until: until)
            return .reopened(until: until)
        }
    }

    mutating func release(_ permit: BreakerPermit) {
        guard permit.generation == generation, permit.isProbe,
            case .halfOpen(let probes, let successes) = phase
        else { return }
        phase = .halfOpen(probesInFlight: max(probes - 1, 0), successes: successes)
    }

    mutating func snapshot(now: ContinuousClock.Instant) -> BreakerSnapshot {
        let state = state(now: now)
        var requests = 0
        var failures = 0
        var probes = 0
        switch phase {
        case .closed: (requests, failures) = window.counts(now: now)
        case .open: break
        case .halfOpen(let inFlight, _): probes = inFlight
        }
        return BreakerSnapshot(
            state: state, requestsInWindow: requests, failuresInWindow: failures, probesInFlight: probes,
            consecutiveFailedProbes: consecutiveFailedProbes, timesOpened: timesOpened)
    }

    private mutating func open(until: ContinuousClock.Instant) {
        phase = .open(until: until)
        generation &+= 1
        timesOpened += 1
    }

    /// Turns an open breaker whose time is up half-open.
    private mutating func advance(now: ContinuousClock.Instant) {
        guard case .open(let until) = phase, now >= until else { return }
        phase = .halfOpen(probesInFlight: 0, successes: 0)
        generation &+= 1
    }
}
