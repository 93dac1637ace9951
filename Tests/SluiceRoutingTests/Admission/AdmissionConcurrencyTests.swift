import Testing
@testable import SluiceRouting

@Suite("AdmissionGate under heavy concurrency")
struct AdmissionConcurrencyTests {
    private static let tiers = TierTable([
        TierPolicy(name: "gold", priority: 20, queueTimeout: .seconds(5)),
        TierPolicy(name: "paid", priority: 10, queueTimeout: .milliseconds(200), maxShare: 0.75),
        TierPolicy(
            name: "free", priority: 0, queueTimeout: .milliseconds(20), maxShare: 0.25,
            overload: .downgrade(route: "cheap")),
    ])

    @Test("2,000 tasks × 4 rounds with random tiers: capacity and shares hold, and every attempt ends once")
    func exactUnderLoad() async {
        let gate = AdmissionGate(capacity: BackendCapacity(concurrency: 16, maxQueue: 512), tiers: Self.tiers)
        let tracker = InFlightTracker()
        var generator = SeededGenerator(seed: 2024)
        let plan = (0..<2000).map { _ in
            (0..<4).map { _ in ["gold", "paid", "free"].randomElement(using: &generator)! }
        }

        let outcomes = await withTaskGroup(of: [(String, AdmissionOutcome)].self) { group in
            for rounds in plan {
                group.addTask {
                    var outcomes: [(String, AdmissionOutcome)] = []
                    for tier in rounds {
                        let outcome = await attempt(gate, tier: tier)
                        if let ticket = outcome.success {
                            tracker.enter(tier)
                            await Task.yield()
                            tracker.leave(tier)
                            gate.leave(ticket)
                        } else {
                            // A client that was turned away comes back a little later.
                            try? await Task.sleep(for: .milliseconds(Int.random(in: 1...10)))
                        }
                        outcomes.append((tier, outcome))
                    }
                    return outcomes
                }
            }
            var outcomes: [(String, AdmissionOutcome)] = []
            for await some in group { outcomes += some }
            return outcomes
        }

        #expect(outcomes.count == 8000)
        #expect(tracker.peakTotal <= 16)
        #expect(tracker.peak("gold") <= 16)
        #expect(tracker.peak("paid") <= 12)
        #expect(tracker.peak("free") <= 4)
        #expect(tracker.peakTotal > 1)

        let tickets = outcomes.compactMap { $0.1.success }
        let rejections = outcomes.compactMap { $0.1.failure }
        #expect(tickets.count + rejections.count == 8000)
        #expect(Set(tickets.map(\.id)).count == tickets.count)
        #expect(Set(tickets.map(\.admission)).count == tickets.count)
        #expect(!rejections.contains { $0.tier == "gold" && $0.reason == .displaced })
        #expect(rejections.filter { $0.tier == "free" }.allSatisfy { $0.overload == .downgrade(route: "cheap") })
        #expect(rejections.allSatisfy { $0.retryAfter >= .seconds(1) })

        // Gold has the whole backend as its share, so whenever anything else was admitted, a queued gold
        // request would have fit: none may have been waiting then.
        let gold = tickets.filter { $0.tier == "gold" }
        for other in tickets where other.tier != "gold" {
            let overtaken = gold.first { $0.id < other.admission && other.admission < $0.admission }
            #expect(overtaken == nil, "\(other.tier) admitted while gold \(overtaken?.id ?? 0) waited")
        }

        let snapshot = gate.snapshot
        // The run really queued, displaced and admitted from the queue.
        #expect(tickets.contains { $0.waited > .zero })
        #expect(rejections.contains { $0.reason == .displaced })
        #expect(snapshot.inFlight == 0)
        #expect(snapshot.queued == 0)
        #expect(snapshot.admitted == tickets.count)
        #expect(snapshot.shed == rejections.count)
        for tier in ["gold", "paid", "free"] {
            #expect(snapshot.admittedByTier[tier] == tickets.filter { $0.tier == tier }.count)
            #expect(snapshot.shedByTier[tier, default: [:]].values.reduce(0, +)
                == rejections.filter { $0.tier == tier }.count)
        }
        #expect(!gate.hasArmedTimer)
    }

    @Test("cancelling a third of 600 waiters keeps the slot accounting exact")
    func exactUnderCancellation() async {
        // Queue timeouts far beyond the test's length: only cancellation may end a wait, even when the
        // machine is busy with other suites.
        let tiers = TierTable([
            TierPolicy(name: "gold", priority: 20, queueTimeout: .seconds(600)),
            TierPolicy(name: "paid", priority: 10, queueTimeout: .seconds(600), maxShare: 0.75),
            TierPolicy(name: "free", priority: 0, queueTimeout: .seconds(600), maxShare: 0.25),
        ])
        let gate = AdmissionGate(capacity: BackendCapacity(concurrency: 8, maxQueue: 1000), tiers: tiers)
        let tracker = InFlightTracker()
        var generator = SeededGenerator(seed: 7)
        let plan = (0..<600).map { _ in ["gold", "paid", "free"].randomElement(using: &generator)! }

        var tasks: [Task<AdmissionOutcome, Never>] = []
        for tier in plan {
            tasks.append(Task {
                let outcome = await attempt(gate, tier: tier)
                if let ticket = outcome.success {
                    tracker.enter(tier)
                    try? await Task.sleep(for: .microseconds(500))
                    tracker.leave(tier)
                    gate.leave(ticket)
                }
                return outcome
            })
        }
        // Once every request has arrived, most wait in the queue: cancel every third task.
        #expect(await eventually { gate.snapshot.accounted == 600 })
        for (index, task) in tasks.enumerated() where index % 3 == 0 { task.cancel() }
        var outcomes: [AdmissionOutcome] = []
        for task in tasks { outcomes.append(await task.value) }

        let tickets = outcomes.compactMap(\.success)
        let rejections = outcomes.compactMap(\.failure)
        #expect(tickets.count + rejections.count == 600)
        #expect(rejections.count > 100)
        #expect(rejections.allSatisfy { $0.reason == .cancelled })
        for (index, outcome) in outcomes.enumerated() where index % 3 != 0 {
            #expect(outcome.success != nil, "task \(index) was not cancelled and is served")
        }
        #expect(tracker.peakTotal <= 8)
        #expect(tracker.peak("free") <= 2)
        #expect(tracker.peak("paid") <= 6)
        let snapshot = gate.snapshot
        #expect(snapshot.inFlight == 0)
        #expect(snapshot.queued == 0)
        #expect(snapshot.admitted == tickets.count)
        #expect(snapshot.shed == rejections.count)
        #expect(!gate.hasArmedTimer)
        // The gate still admits at full capacity afterwards.
        var held: [AdmissionTicket] = []
        for _ in 0..<8 { if let ticket = await attempt(gate, tier: "gold").success { held.append(ticket) } }
        #expect(held.count == 8)
        #expect(held.allSatisfy { $0.waited == .zero })
        for ticket in held { gate.leave(ticket) }
    }
}
