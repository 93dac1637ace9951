import Testing
@testable import SluiceRouting

@Suite("AdmissionGate timeouts and cancellation")
struct AdmissionTimeoutTests {
    @Test("each tier times out after its own queue timeout, and the timer is gone afterwards")
    func timeoutPerTier() async throws {
        let clock = ManualClock()
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 1),
            tiers: TierTable([
                TestTiers.paid(timeout: .milliseconds(400)),
                TestTiers.free(timeout: .milliseconds(100), overload: .downgrade(route: "cheap")),
            ]),
            tokenWindow: .seconds(60), time: clock.timeSource)
        let holder = try await gate.enter(tier: "paid", tokens: 0)
        let paid = Task { await attempt(gate, tier: "paid") }
        let free = Task { await attempt(gate, tier: "free") }
        #expect(await eventually { gate.snapshot.queued == 2 })
        #expect(gate.hasArmedTimer)

        clock.advance(to: .milliseconds(99))
        try await Task.sleep(for: .milliseconds(20))
        #expect(gate.snapshot.queued == 2)
        clock.advance(to: .milliseconds(100))
        let freeRejection = try #require(await free.value.failure)
        #expect(freeRejection.reason == .timedOut)
        #expect(freeRejection.overload == .downgrade(route: "cheap"))
        #expect(gate.snapshot.queuedByTier["paid"] == 1)

        clock.advance(to: .milliseconds(399))
        try await Task.sleep(for: .milliseconds(20))
        #expect(gate.snapshot.queued == 1)
        clock.advance(to: .milliseconds(400))
        let paidRejection = try #require(await paid.value.failure)
        #expect(paidRejection.reason == .timedOut)
        #expect(paidRejection.overload == .shed)

        let snapshot = gate.snapshot
        #expect(snapshot.queued == 0)
        #expect(snapshot.inFlight == 1)
        #expect(snapshot.shed("free", .timedOut) == 1)
        #expect(snapshot.shed("paid", .timedOut) == 1)
        #expect(!gate.hasArmedTimer)
        gate.leave(holder)
        #expect(gate.snapshot.inFlight == 0)
    }

    @Test("a waiter times out on the real clock")
    func timeoutRealClock() async throws {
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 1), tiers: TierTable([TestTiers.free(timeout: .milliseconds(100))]))
        let holder = try await gate.enter(tier: "free", tokens: 0)
        let start = ContinuousClock.now
        #expect(await attempt(gate, tier: "free").failure?.reason == .timedOut)
        #expect(ContinuousClock.now - start >= .milliseconds(100))
        #expect(gate.snapshot.queued == 0)
        #expect(!gate.hasArmedTimer)
        gate.leave(holder)
    }

    @Test("a waiter admitted before its deadline is not timed out later")
    func admittedBeforeDeadline() async throws {
        let clock = ManualClock()
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 1), tiers: TierTable([TestTiers.paid(timeout: .milliseconds(300))]),
            tokenWindow: .seconds(60), time: clock.timeSource)
        let holder = try await gate.enter(tier: "paid", tokens: 0)
        let waiter = Task { await attempt(gate, tier: "paid") }
        #expect(await eventually { gate.snapshot.queued == 1 })
        clock.advance(to: .milliseconds(50))
        gate.leave(holder)
        let ticket = try #require(await waiter.value.success)
        #expect(ticket.waited == .milliseconds(50))
        #expect(!gate.hasArmedTimer)
        clock.advance(to: .milliseconds(400))
        #expect(gate.snapshot.inFlight == 1)
        #expect(gate.snapshot.shed == 0)
        gate.leave(ticket)
    }

    @Test("a tier with no queue timeout never waits")
    func zeroTimeout() async throws {
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 1), tiers: TierTable([TestTiers.free(timeout: .zero)]))
        let holder = try await gate.enter(tier: "free", tokens: 0)
        #expect(await attempt(gate, tier: "free").failure?.reason == .timedOut)
        #expect(gate.snapshot.queued == 0)
        gate.leave(holder)
        #expect(await attempt(gate, tier: "free").success != nil)
    }

    @Test("a cancelled waiter is removed and rejected as cancelled; slots stay exact")
    func cancellation() async throws {
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 1, maxQueue: 10), tiers: TierTable([TestTiers.paid()]))
        let holder = try await gate.enter(tier: "paid", tokens: 0)
        let order = Log<String>()
        func waiter(_ name: String) -> Task<AdmissionOutcome, Never> {
            Task {
                let outcome = await attempt(gate, tier: "paid")
                if let ticket = outcome.success {
                    order.append(name)
                    gate.leave(ticket)
                }
                return outcome
            }
        }
        let first = waiter("a")
        #expect(await eventually { gate.snapshot.queued == 1 })
        let second = waiter("b")
        #expect(await eventually { gate.snapshot.queued == 2 })
        let third = waiter("c")
        #expect(await eventually { gate.snapshot.queued == 3 })

        second.cancel()
        let rejection = try #require(await second.value.failure)
        #expect(rejection.reason == .cancelled)
        var snapshot = gate.snapshot
        #expect(snapshot.queued == 2)
        #expect(snapshot.inFlight == 1)
        #expect(snapshot.shed("paid", .cancelled) == 1)

        gate.leave(holder)
        #expect(await first.value.success != nil)
        #expect(await third.value.success != nil)
        #expect(order.values == ["a", "c"])
        snapshot = gate.snapshot
        #expect(snapshot.inFlight == 0)
        #expect(snapshot.queued == 0)
        #expect(!gate.hasArmedTimer)
        let again = try await gate.enter(tier: "paid", tokens: 0)
        #expect(again.waited == .zero)
        gate.leave(again)
    }

    @Test("an already-cancelled task is rejected if it would wait, and admitted if there is room")
    func cancelledBeforeEntering() async throws {
        let gate = AdmissionGate(capacity: BackendCapacity(concurrency: 1), tiers: TierTable([TestTiers.paid()]))
        let admitted = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await attempt(gate, tier: "paid")
        }.value
        let ticket = try #require(admitted.success)
        let refused = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await attempt(gate, tier: "paid")
        }.value
        #expect(refused.failure?.reason == .cancelled)
        #expect(gate.snapshot.queued == 0)
        #expect(!gate.hasArmedTimer)
        gate.leave(ticket)
        #expect(gate.snapshot.inFlight == 0)
    }
}
