import Testing
@testable import SluiceRouting

@Suite("CircuitBreaker state transitions")
struct CircuitBreakerTests {
    private let t0 = ContinuousClock.now

    private func at(_ seconds: Double) -> ContinuousClock.Instant {
        t0 + .milliseconds(Int64(seconds * 1000))
    }

    /// Acquires a permit at `time` and records its outcome; returns the transition.
    @discardableResult
    private func run(_ breaker: CircuitBreaker, success: Bool, at time: ContinuousClock.Instant) throws -> BreakerTransition? {
        let permit = try #require(breaker.acquire(now: time))
        return breaker.record(permit, success: success, now: time)
    }

    @Test("opens once the failure rate reaches the threshold over at least the minimum requests")
    func opensOnFailureRate() throws {
        let breaker = CircuitBreaker(now: t0)
        try run(breaker, success: true, at: at(0))
        try run(breaker, success: true, at: at(1))
        #expect(try run(breaker, success: false, at: at(2)) == nil)
        #expect(try run(breaker, success: false, at: at(3)) == nil)
        // Four outcomes: under the minimum of five, so two failures in four do not open it.
        #expect(breaker.state(now: at(3)) == .closed)
        let transition = try run(breaker, success: false, at: at(4))
        #expect(transition == .opened(until: at(14)))
        #expect(breaker.state(now: at(4)) == .open(until: at(14)))
        #expect(breaker.snapshot(now: at(4)).timesOpened == 1)
    }

    @Test("stays closed below the minimum requests, however many of them fail")
    func staysClosedBelowMinimum() throws {
        let breaker = CircuitBreaker(settings: BreakerSettings(minimumRequests: 5), now: t0)
        for second in 0..<4 { try run(breaker, success: false, at: at(Double(second))) }
        #expect(breaker.state(now: at(4)) == .closed)
        let snapshot = breaker.snapshot(now: at(4))
        #expect(snapshot.requestsInWindow == 4)
        #expect(snapshot.failuresInWindow == 4)
        #expect(snapshot.failureRate == 1)
    }

    @Test("stays closed while the failure rate is under the threshold")
    func staysClosedUnderRate() throws {
        let breaker = CircuitBreaker(settings: BreakerSettings(failureRateToOpen: 0.5), now: t0)
        // Six successes, then four failures: 40 % at most.
        for index in 0..<10 { try run(breaker, success: index < 6, at: at(Double(index) / 10)) }
        #expect(breaker.state(now: at(1)) == .closed)
        // A fifth failure out of eleven is still under half; a sixth of twelve reaches it.
        try run(breaker, success: false, at: at(1.1))
        #expect(breaker.state(now: at(1.1)) == .closed)
        try run(breaker, success: false, at: at(1.2))
        #expect(breaker.state(now: at(1.2)) == .open(until: at(11.2)))
    }

    @Test("an open breaker refuses every request until its time is up")
    func openRefuses() throws {
        let breaker = CircuitBreaker(settings: BreakerSettings(minimumRequests: 1, failureRateToOpen: 1), now: t0)
        try run(breaker, success: false, at: at(0))
        for time in [0, 0.5, 5, 9.999] {
            #expect(breaker.acquire(now: at(time)) == nil)
            #expect(!breaker.allowsRequest(now: at(time)))
        }
        #expect(breaker.state(now: at(9.999)) == .open(until: at(10)))
    }

    @Test("after the open duration it turns half-open and admits exactly the probe count at once")
    func halfOpenAdmitsProbes() throws {
        let settings = BreakerSettings(minimumRequests: 1, failureRateToOpen: 1, halfOpenProbes: 3)
        let breaker = CircuitBreaker(settings: settings, now: t0)
        try run(breaker, success: false, at: at(0))
        #expect(breaker.state(now: at(10)) == .halfOpen)
        var probes: [BreakerPermit] = []
        for _ in 0..<10 {
            if let permit = breaker.acquire(now: at(10)) { probes.append(permit) }
        }
        #expect(probes.count == 3)
        #expect(probes.allSatisfy { $0.isProbe })
        #expect(breaker.snapshot(now: at(10)).probesInFlight == 3)
        // A probe given back without an outcome frees its slot, and the breaker stays half-open.
        breaker.release(probes[0])
        #expect(breaker.state(now: at(11)) == .halfOpen)
        #expect(breaker.acquire(now: at(11))?.isProbe == true)
        #expect(breaker.acquire(now: at(11)) == nil)
    }

    @Test("concurrent acquires in half-open get exactly the probe count")
    func halfOpenConcurrent() async throws {
        let settings = BreakerSettings(minimumRequests: 1, failureRateToOpen: 1, halfOpenProbes: 2)
        let breaker = CircuitBreaker(settings: settings, now: t0)
        try run(breaker, success: false, at: at(0))
        let when = at(10)
        let granted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<64 {
                group.addTask { breaker.acquire(now: when) == nil ? 0 : 1 }
            }
            return await group.reduce(0, +)
        }
        #expect(granted == 2)
    }

    @Test("a successful probe closes the breaker with a fresh window")
    func probeSuccessCloses() throws {
        let breaker = CircuitBreaker(settings: BreakerSettings(minimumRequests: 1, failureRateToOpen: 1), now: t0)
        try run(breaker, success: false, at: at(0))
        let probe = try #require(breaker.acquire(now: at(10)))
        #expect(breaker.record(probe, success: true, now: at(10.5)) == .closed)
        #expect(breaker.state(now: at(10.5)) == .closed)
        let snapshot = breaker.snapshot(now: at(10.5))
        #expect(snapshot.requestsInWindow == 0)
        #expect(snapshot.consecutiveFailedProbes == 0)
        // Closed again: traffic flows and permits are no longer probes.
        #expect(breaker.acquire(now: at(11))?.isProbe == false)
    }

    @Test("closing takes successesToClose successful probes")
    func severalSuccessesToClose() throws {
        let settings = BreakerSettings(minimumRequests: 1, failureRateToOpen: 1, successesToClose: 3)
        let breaker = CircuitBreaker(settings: settings, now: t0)
        try run(breaker, success: false, at: at(0))
        #expect(try run(breaker, success: true, at: at(10)) == nil)
        #expect(try run(breaker, success: true, at: at(11)) == nil)
        #expect(breaker.state(now: at(11)) == .halfOpen)
        #expect(try run(breaker, success: true, at: at(12)) == .closed)
        #expect(breaker.state(now: at(12)) == .closed)
    }

    @Test("a failed probe re-opens the breaker, for longer each time up to the cap")
    func probeFailureReopens() throws {
        let settings = BreakerSettings(
            minimumRequests: 1, failureRateToOpen: 1, openDuration: .seconds(10), openDurationGrowth: 2,
            maxOpenDuration: .seconds(60))
        let breaker = CircuitBreaker(settings: settings, now: t0)
        try run(breaker, success: false, at: at(0))
        // Open 10 s, then 20, 40, 60 (capped), 60.
        var time = 10.0
        for expected in [20.0, 40, 60, 60] {
            #expect(breaker.acquire(now: at(time - 0.001)) == nil)
            let transition = try run(breaker, success: false, at: at(time))
            #expect(transition == .reopened(until: at(time + expected)))
            #expect(breaker.state(now: at(time)) == .open(until: at(time + expected)))
            time += expected
        }
        #expect(breaker.snapshot(now: at(time - 1)).consecutiveFailedProbes == 4)
        // Recovery resets the growth: the next trip opens for the base duration again.
        try run(breaker, success: true, at: at(time))
        #expect(breaker.state(now: at(time)) == .closed)
        #expect(try run(breaker, success: false, at: at(time + 1)) == .opened(until: at(time + 11)))
    }

    @Test("a fixed open duration when growth is 1")
    func fixedOpenDuration() {
        let settings = BreakerSettings(openDuration: .seconds(7), openDurationGrowth: 1)
        #expect(settings.openDuration(afterFailedProbes: 0) == .seconds(7))
        #expect(settings.openDuration(afterFailedProbes: 5) == .seconds(7))
        #expect(BreakerSettings().openDuration(afterFailedProbes: 100) == .seconds(60))
    }

    @Test("old failures age out of the window")
    func failuresAgeOut() throws {
        let aged = CircuitBreaker(now: t0)
        for second in 0..<4 { try run(aged, success: false, at: at(Double(second) / 10)) }
        // 31 s later the first four have left the 30 s window: one failure out of one is under the minimum.
        try run(aged, success: false, at: at(31))
        #expect(aged.state(now: at(31)) == .closed)
        #expect(aged.snapshot(now: at(31)).requestsInWindow == 1)

        let fresh = CircuitBreaker(now: t0)
        for second in 0..<4 { try run(fresh, success: false, at: at(Double(second) / 10)) }
        // Within the window, the same fifth failure opens it.
        try run(fresh, success: false, at: at(20))
        #expect(fresh.state(now: at(20)) == .open(until: at(30)))
    }

    @Test("outcomes of permits from before the last change of state are ignored")
    func stalePermitsIgnored() throws {
        let breaker = CircuitBreaker(settings: BreakerSettings(minimumRequests: 2, failureRateToOpen: 1), now: t0)
        let slowSuccess = try #require(breaker.acquire(now: at(0)))
        let slowFailure = try #require(breaker.acquire(now: at(0)))
        try run(breaker, success: false, at: at(0))
        try run(breaker, success: false, at: at(0))
        #expect(breaker.state(now: at(0)) == .open(until: at(10)))
        // Half-open now; the requests sent while closed finish, and change nothing.
        #expect(breaker.state(now: at(10)) == .halfOpen)
        #expect(breaker.record(slowSuccess, success: true, now: at(10)) == nil)
        #expect(breaker.record(slowFailure, success: false, now: at(10)) == nil)
        #expect(breaker.state(now: at(10)) == .halfOpen)
        #expect(breaker.acquire(now: at(10))?.isProbe == true)
    }

    @Test("release counts neither success nor failure")
    func releaseCountsNothing() throws {
        let breaker = CircuitBreaker(settings: BreakerSettings(minimumRequests: 1, failureRateToOpen: 0.5), now: t0)
        for _ in 0..<10 {
            breaker.release(try #require(breaker.acquire(now: at(1))))
        }
        #expect(breaker.snapshot(now: at(1)).requestsInWindow == 0)
        try run(breaker, success: true, at: at(1))
        #expect(breaker.snapshot(now: at(1)).requestsInWindow == 1)
        #expect(breaker.state(now: at(1)) == .closed)
    }

    @Test("settings out of range are clamped")
    func clamping() {
        let settings = BreakerSettings(
            buckets: 0, minimumRequests: -3, failureRateToOpen: 7, openDuration: .seconds(30),
            openDurationGrowth: 0.5, maxOpenDuration: .seconds(5), halfOpenProbes: 0, successesToClose: 0)
        #expect(settings.buckets == 1)
        #expect(settings.minimumRequests == 1)
        #expect(settings.failureRateToOpen == 1)
        #expect(settings.openDurationGrowth == 1)
        #expect(settings.maxOpenDuration == .seconds(30))
        #expect(settings.halfOpenProbes == 1)
        #expect(settings.successesToClose == 1)
    }
}
