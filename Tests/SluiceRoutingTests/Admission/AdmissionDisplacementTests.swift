import Testing
@testable import SluiceRouting

@Suite("AdmissionGate full queue: displacement and queue-full")
struct AdmissionDisplacementTests {
    @Test("a higher-priority arrival displaces the newest lowest-priority waiter; it is refused only when none waits")
    func displacement() async throws {
        let tiers = TierTable([
            TestTiers.paid(), TestTiers.free(overload: .downgrade(route: "cheap")),
            TierPolicy(name: "batch", priority: -5, queueTimeout: .seconds(60)),
        ])
        let gate = AdmissionGate(capacity: BackendCapacity(concurrency: 1, maxQueue: 3), tiers: tiers)
        let holder = try await gate.enter(tier: "paid", tokens: 0)
        var outcomes: [String: Task<AdmissionOutcome, Never>] = [:]
        func arrive(_ name: String, _ tier: String) async {
            let before = gate.snapshot.accounted
            outcomes[name] = Task {
                let outcome = await attempt(gate, tier: tier)
                if let ticket = outcome.success { gate.leave(ticket) }
                return outcome
            }
            #expect(await eventually { gate.snapshot.accounted == before + 1 })
        }

        await arrive("free-1", "free")
        await arrive("batch-1", "batch")
        await arrive("free-2", "free")
        #expect(gate.snapshot.queued == 3)
        // Full: the lowest priority (batch) goes first, even though free-2 is newer.
        await arrive("paid-1", "paid")
        let batch = try #require(await outcomes["batch-1"]!.value.failure)
        #expect(batch.reason == .displaced)
        #expect(batch.tier == "batch")
        #expect(batch.overload == .shed)
        // Then the newest free waiter.
        await arrive("paid-2", "paid")
        let free2 = try #require(await outcomes["free-2"]!.value.failure)
        #expect(free2.reason == .displaced)
        #expect(free2.tier == "free")
        #expect(free2.overload == .downgrade(route: "cheap"))
        #expect(free2.retryAfter >= .seconds(1))
        // A free arrival finds no lower waiter: refused itself.
        await arrive("free-3", "free")
        let free3 = try #require(await outcomes["free-3"]!.value.failure)
        #expect(free3.reason == .queueFull)
        #expect(free3.overload == .downgrade(route: "cheap"))
        await arrive("paid-3", "paid")
        let free1 = try #require(await outcomes["free-1"]!.value.failure)
        #expect(free1.reason == .displaced)
        // Only paid waits now: a paid arrival is refused for a full queue.
        await arrive("paid-4", "paid")
        let paid4 = try #require(await outcomes["paid-4"]!.value.failure)
        #expect(paid4.reason == .queueFull)
        #expect(paid4.tier == "paid")

        gate.leave(holder)
        for name in ["paid-1", "paid-2", "paid-3"] {
            #expect(await outcomes[name]!.value.success != nil, "\(name) admitted")
        }
        let snapshot = gate.snapshot
        #expect(snapshot.inFlight == 0)
        #expect(snapshot.queued == 0)
        #expect(snapshot.shed("free", .displaced) == 2)
        #expect(snapshot.shed("free", .queueFull) == 1)
        #expect(snapshot.shed("batch", .displaced) == 1)
        #expect(snapshot.shed("paid", .queueFull) == 1)
        #expect(snapshot.admittedByTier["paid"] == 4)
        #expect(!gate.hasArmedTimer)
    }

    @Test("with no queue, anything over capacity is refused at once")
    func noQueue() async throws {
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 1, maxQueue: 0), tiers: TierTable([TestTiers.paid()]))
        let holder = try await gate.enter(tier: "paid", tokens: 0)
        let outcome = await attempt(gate, tier: "paid")
        #expect(outcome.failure?.reason == .queueFull)
        gate.leave(holder)
        #expect(await attempt(gate, tier: "paid").success != nil)
    }

    @Test("retryAfter is the queue ahead times the average hold time, over the tier's slots")
    func retryAfterEstimate() async throws {
        let clock = ManualClock()
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 2, maxQueue: 4),
            tiers: TierTable([TestTiers.paid(), TestTiers.free(share: 0.5)]),
            tokenWindow: .seconds(60), time: clock.timeSource)
        // One request held for 300 ms sets the average hold time.
        let first = try await gate.enter(tier: "paid", tokens: 0)
        clock.advance(to: .milliseconds(300))
        gate.leave(first)
        #expect(gate.snapshot.averageHold == .milliseconds(300))

        let holders = [try await gate.enter(tier: "paid", tokens: 0), try await gate.enter(tier: "paid", tokens: 0)]
        var waiters: [Task<AdmissionOutcome, Never>] = []
        for (index, tier) in ["paid", "free", "paid", "free"].enumerated() {
            waiters.append(Task { await attempt(gate, tier: tier) })
            #expect(await eventually { gate.snapshot.queued == index + 1 })
        }
        // A paid arrival displaces the newest free waiter. Counted ahead of the free waiter: every waiter
        // of its priority or higher (paid, free, paid, and the arrival), and it has 1 slot of its own:
        // (4 + 1) × 300 ms / 1.
        waiters.append(Task { await attempt(gate, tier: "paid") })
        let displaced = try #require(await waiters[3].value.failure)
        #expect(displaced.reason == .displaced)
        #expect(displaced.retryAfter == .milliseconds(1500))
        #expect(displaced.retryAfterSeconds == 2)
        // The next paid arrival displaces the other free waiter; the one after finds only paid waiting:
        // 4 paid ahead, 2 slots, (4 + 1) × 300 ms / 2 = 750 ms, raised to 1 s.
        waiters.append(Task { await attempt(gate, tier: "paid") })
        #expect(try #require(await waiters[1].value.failure).reason == .displaced)
        let refused = try #require(await attempt(gate, tier: "paid").failure)
        #expect(refused.reason == .queueFull)
        #expect(refused.retryAfter == .seconds(1))
        for waiter in waiters { waiter.cancel() }
        for holder in holders { gate.leave(holder) }
    }
}
