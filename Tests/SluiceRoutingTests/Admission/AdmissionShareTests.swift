import Testing
@testable import SluiceRouting

@Suite("AdmissionGate maxShare")
struct AdmissionShareTests {
    @Test("slots are ceil(maxShare × concurrency), at least 1 and at most concurrency")
    func slots() {
        #expect(TierPolicy(name: "t", maxShare: 0.5).slots(of: 8) == 4)
        #expect(TierPolicy(name: "t", maxShare: 0.7).slots(of: 10) == 7)
        #expect(TierPolicy(name: "t", maxShare: 0.3).slots(of: 10) == 3)
        #expect(TierPolicy(name: "t", maxShare: 0.25).slots(of: 3) == 1)
        #expect(TierPolicy(name: "t", maxShare: 0.34).slots(of: 3) == 2)
        #expect(TierPolicy(name: "t", maxShare: 0).slots(of: 8) == 1)
        #expect(TierPolicy(name: "t", maxShare: 1).slots(of: 8) == 8)
        #expect(TierPolicy(name: "t", maxShare: 7).slots(of: 8) == 8)
        #expect(TierPolicy(name: "t", maxShare: .nan).slots(of: 8) == 8)
        #expect(TierPolicy(name: "t", maxShare: -1).maxShare == 0)
    }

    @Test("a tier at its share waits even with free slots, which higher tiers still get at once")
    func shareCapsTier() async throws {
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 4),
            tiers: TierTable([TestTiers.paid(), TestTiers.free(share: 0.5)]))
        let free1 = try await gate.enter(tier: "free", tokens: 0)
        let free2 = try await gate.enter(tier: "free", tokens: 0)
        let free3 = Task { await attempt(gate, tier: "free") }
        #expect(await eventually { gate.snapshot.queued == 1 })
        #expect(gate.snapshot.inFlight == 2)

        let paid1 = try await gate.enter(tier: "paid", tokens: 0)
        let paid2 = try await gate.enter(tier: "paid", tokens: 0)
        #expect([paid1.waited, paid2.waited] == [.zero, .zero])
        #expect(gate.snapshot.inFlight == 4)

        // A paid slot frees: free is still at its share, so the slot stays empty.
        gate.leave(paid1)
        try await Task.sleep(for: .milliseconds(20))
        #expect(gate.snapshot.inFlightByTier == ["paid": 1, "free": 2, "default": 0])
        #expect(gate.snapshot.queued == 1)

        // A free slot frees: the free waiter takes it.
        gate.leave(free1)
        let ticket = try #require(await free3.value.success)
        #expect(gate.snapshot.inFlightByTier == ["paid": 1, "free": 2, "default": 0])
        for ticket in [ticket, free2, paid2] { gate.leave(ticket) }
        #expect(gate.snapshot.inFlight == 0)
    }

    @Test("a share of zero still allows one request at a time")
    func zeroShare() async throws {
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 4, maxQueue: 0), tiers: TierTable([TestTiers.free(share: 0)]))
        let ticket = try await gate.enter(tier: "free", tokens: 0)
        #expect(await attempt(gate, tier: "free").failure?.reason == .queueFull)
        gate.leave(ticket)
    }
}
