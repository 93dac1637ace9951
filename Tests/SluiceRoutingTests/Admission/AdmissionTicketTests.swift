import Testing
@testable import SluiceRouting

@Suite("AdmissionTicket safety and withAdmission")
struct AdmissionTicketTests {
    struct BodyFailed: Error {}

    @Test("leaving twice frees one slot only")
    func leaveTwice() async throws {
        let gate = AdmissionGate(capacity: BackendCapacity(concurrency: 2), tiers: TierTable())
        let first = try await gate.enter(tier: "x", tokens: 0)
        _ = try await gate.enter(tier: "x", tokens: 0)
        gate.leave(first)
        gate.leave(first)
        gate.leave(first, actualTokens: 5)
        #expect(gate.snapshot.inFlight == 1)
    }

    @Test("another gate's ticket is ignored")
    func foreignTicket() async throws {
        let gate = AdmissionGate(capacity: BackendCapacity(concurrency: 1), tiers: TierTable())
        let other = AdmissionGate(capacity: BackendCapacity(concurrency: 1), tiers: TierTable())
        _ = try await gate.enter(tier: "x", tokens: 0)
        let foreign = try await other.enter(tier: "x", tokens: 0)
        gate.leave(foreign)
        #expect(gate.snapshot.inFlight == 1)
        #expect(other.snapshot.inFlight == 1)
    }

    @Test("withAdmission leaves when the body returns, throws, or leaves early itself")
    func withAdmissionAlwaysLeaves() async throws {
        let gate = AdmissionGate(capacity: BackendCapacity(concurrency: 1, tokensPerMinute: 100), tiers: TierTable())
        let value = try await gate.withAdmission(tier: "x", tokens: 40) { ticket in
            #expect(gate.snapshot.inFlight == 1)
            return ticket.tokens
        }
        #expect(value == 40)
        #expect(gate.snapshot.inFlight == 0)

        await #expect(throws: BodyFailed.self) {
            try await gate.withAdmission(tier: "x", tokens: 10) { _ in throw BodyFailed() }
        }
        #expect(gate.snapshot.inFlight == 0)

        try await gate.withAdmission(tier: "x", tokens: 50) { ticket in
            gate.leave(ticket, actualTokens: 5)
        }
        let snapshot = gate.snapshot
        #expect(snapshot.inFlight == 0)
        #expect(snapshot.tokensInWindow == 40 + 10 + 5)
    }

    @Test("withAdmission does not run the body when the request is rejected")
    func withAdmissionRejected() async throws {
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 1, maxQueue: 0),
            tiers: TierTable([TestTiers.free(overload: .downgrade(route: "cheap"))]))
        let holder = try await gate.enter(tier: "free", tokens: 0)
        let ran = Log<Bool>()
        do {
            try await gate.withAdmission(tier: "free", tokens: 0) { _ in ran.append(true) }
            Issue.record("expected a rejection")
        } catch let rejection as AdmissionRejection {
            #expect(rejection.reason == .queueFull)
            #expect(rejection.overload == .downgrade(route: "cheap"))
        }
        #expect(ran.values.isEmpty)
        gate.leave(holder)
    }
}
