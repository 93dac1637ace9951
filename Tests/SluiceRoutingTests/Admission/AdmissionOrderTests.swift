import Testing
@testable import SluiceRouting

@Suite("AdmissionGate order: immediate admission, FIFO, priority")
struct AdmissionOrderTests {
    @Test("under capacity every request is admitted at once, and no timer is armed")
    func immediate() async throws {
        let gate = AdmissionGate(capacity: BackendCapacity(concurrency: 3), tiers: TierTable([TestTiers.paid()]))
        var tickets: [AdmissionTicket] = []
        for tier in ["paid", "paid", "someone-else"] {
            tickets.append(try await gate.enter(tier: tier, tokens: 10))
        }
        #expect(tickets.map(\.waited) == [.zero, .zero, .zero])
        #expect(tickets.map(\.tier) == ["paid", "paid", "default"])
        let snapshot = gate.snapshot
        #expect(snapshot.inFlight == 3)
        #expect(snapshot.inFlightByTier == ["paid": 2, "default": 1])  // every tier is listed, idle ones with 0
        #expect(snapshot.queued == 0)
        #expect(!gate.hasArmedTimer)
        for ticket in tickets { gate.leave(ticket) }
        #expect(gate.snapshot.inFlight == 0)
        #expect(gate.snapshot.admitted == 3)
    }

    @Test("waiters of one tier are admitted in arrival order")
    func fifoWithinTier() async throws {
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 1, maxQueue: 10), tiers: TierTable([TestTiers.paid()]))
        let holder = try await gate.enter(tier: "paid", tokens: 0)
        let order = Log<String>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, name) in ["a", "b", "c", "d", "e"].enumerated() {
                group.addTask {
                    let ticket = try await gate.enter(tier: "paid", tokens: 0)
                    order.append(name)
                    gate.leave(ticket)
                }
                #expect(await eventually { gate.snapshot.queued == index + 1 })
            }
            gate.leave(holder)
            try await group.waitForAll()
        }
        #expect(order.values == ["a", "b", "c", "d", "e"])
        #expect(gate.snapshot.inFlight == 0)
        #expect(!gate.hasArmedTimer)
    }

    @Test("when a slot frees, higher priority goes first; equal priorities go by arrival across tiers")
    func priorityAcrossTiers() async throws {
        let tiers = TierTable([
            TestTiers.free(), TestTiers.paid(),
            TierPolicy(name: "team", priority: 10, queueTimeout: .seconds(60)),
            TierPolicy(name: "gold", priority: 20, queueTimeout: .seconds(60)),
        ])
        let gate = AdmissionGate(capacity: BackendCapacity(concurrency: 1, maxQueue: 10), tiers: tiers)
        let holder = try await gate.enter(tier: "paid", tokens: 0)
        let order = Log<String>()
        let arrivals = [
            ("free", "free-1"), ("paid", "paid-1"), ("free", "free-2"), ("team", "team-1"), ("paid", "paid-2"),
            ("gold", "gold-1"),
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, (tier, name)) in arrivals.enumerated() {
                group.addTask {
                    let ticket = try await gate.enter(tier: tier, tokens: 0)
                    order.append(name)
                    gate.leave(ticket)
                }
                #expect(await eventually { gate.snapshot.queued == index + 1 })
            }
            gate.leave(holder)
            try await group.waitForAll()
        }
        #expect(order.values == ["gold-1", "paid-1", "team-1", "paid-2", "free-1", "free-2"])
    }

    @Test("an arrival waits behind queued waiters of its priority, but goes ahead of lower ones")
    func arrivalRespectsQueue() async throws {
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 2),
            tiers: TierTable([TestTiers.paid(share: 0.5), TestTiers.free(share: 0.5)]))
        // Free holds its one slot, and a second free request waits for it.
        let freeHolder = try await gate.enter(tier: "free", tokens: 0)
        let waiting = Task { await attempt(gate, tier: "free") }
        #expect(await eventually { gate.snapshot.queued == 1 })
        // The other slot is free, and paid is higher than the queued free waiter: admitted at once.
        let paid = try await gate.enter(tier: "paid", tokens: 0)
        #expect(paid.waited == .zero)
        gate.leave(paid)
        gate.leave(freeHolder)
        let ticket = try #require(await waiting.value.success)
        #expect(ticket.tier == "free")
        gate.leave(ticket)
        #expect(gate.snapshot.inFlight == 0)
    }
}
