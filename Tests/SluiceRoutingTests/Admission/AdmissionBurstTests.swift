import Testing
@testable import SluiceRouting

/// The test: with capacity C and a burst of 3×C requests split between paid and free, every paid
/// request is served, and the free ones are queued, shed, or downgraded exactly as configured.
///
/// The gate and the requests run on a ``ManualClock``: the burst arrives at t = 0 in a known order, each
/// admitted request holds its slot for exactly ``hold``, and the test moves time from one step to the next,
/// so every outcome and every wait is exact however loaded the machine is.
@Suite("Admission at peaks: a burst of 3×C, half paid and half free")
struct AdmissionBurstTests {
    static let capacity = 8
    /// How long each admitted request holds its slot.
    static let hold: Duration = .milliseconds(200)
    static let freeTimeout: Duration = .milliseconds(500)

    struct Request: Sendable {
        let tier: String
        /// The request's place among the arrivals of its tier, from 1.
        let number: Int
        let outcome: AdmissionOutcome
    }

    /// A gate on a manual clock, and what the burst's requests did with it.
    struct Run {
        let clock = ManualClock()
        let tracker = InFlightTracker()
        let gate: AdmissionGate

        init(maxQueue: Int?, overload: OverloadAction) {
            let tiers = TierTable([
                TierPolicy(name: "paid", priority: 10, queueTimeout: .seconds(5)),
                TierPolicy(
                    name: "free", priority: 0, queueTimeout: AdmissionBurstTests.freeTimeout, maxShare: 0.5,
                    overload: overload),
            ])
            gate = AdmissionGate(
                capacity: BackendCapacity(concurrency: AdmissionBurstTests.capacity, maxQueue: maxQueue),
                tiers: tiers, tokenWindow: .seconds(60), time: clock.timeSource)
        }

        /// Sends 3×C requests at t = 0, alternating free and paid, each once the gate has taken in the one
        /// before; then runs `timeline` (which moves the clock) while they finish.
        func burst(timeline: () async -> Void) async -> [Request] {
            let (gate, clock, tracker) = (self.gate, self.clock, self.tracker)
            return await withTaskGroup(of: Request.self) { group in
                for index in 0..<(3 * AdmissionBurstTests.capacity) {
                    let tier = index.isMultiple(of: 2) ? "free" : "paid"
                    group.addTask {
                        let outcome = await attempt(gate, tier: tier)
                        if let ticket = outcome.success {
                            tracker.enter(tier)
                            try? await clock.sleep(until: ticket.admittedAt + AdmissionBurstTests.hold)
                            tracker.leave(tier)
                            gate.leave(ticket)
                        }
                        return Request(tier: tier, number: index / 2 + 1, outcome: outcome)
                    }
                    #expect(await eventually { gate.snapshot.accounted == index + 1 })
                }
                await timeline()
                var requests: [Request] = []
                for await request in group { requests.append(request) }
                return requests.sorted { ($0.tier, $0.number) < ($1.tier, $1.number) }
            }
        }

        /// Moves the clock to `offset`, then waits until the gate reaches the state `expected` describes.
        func step(to offset: Duration, _ what: Comment, until expected: (AdmissionSnapshot) -> Bool) async {
            clock.advance(to: offset)
            #expect(await eventually { expected(gate.snapshot) }, what)
        }
    }

    /// What holds in every run: all paid served, capacity and the free share respected, and no free request
    /// admitted while a paid one waited (paid has the whole backend as its share, so a waiting paid request
    /// always fits where a free one is admitted).
    private func checkPaidFirst(_ requests: [Request], _ run: Run) {
        let paid = requests.filter { $0.tier == "paid" }
        #expect(paid.count == 12)
        let paidTickets = paid.compactMap { $0.outcome.success }
        #expect(paidTickets.count == 12, "every paid request is served")
        #expect(run.tracker.peakTotal == Self.capacity)
        #expect(run.tracker.peak("free") == Self.capacity / 2)
        for ticket in requests.filter({ $0.tier == "free" }).compactMap({ $0.outcome.success }) {
            let waiting = paidTickets.first { $0.id < ticket.admission && ticket.admission < $0.admission }
            #expect(waiting == nil, "free admitted while paid \(waiting?.id ?? 0) waited")
        }
        // Paid 1–4 go in at once; paid 5–12 take the first slots that free, one hold later.
        for request in paid {
            let expected: Duration = request.number <= 4 ? .zero : Self.hold
            #expect(request.outcome.success?.waited == expected, "paid \(request.number)")
        }
        let snapshot = run.gate.snapshot
        #expect(snapshot.inFlight == 0 && snapshot.queued == 0)
        #expect(snapshot.shedByTier["paid"] == [:])
        #expect(!run.gate.hasArmedTimer)
    }

    @Test("queue of C: free 5–8 are displaced by paid arrivals, free 9–12 find the queue full",
          arguments: [OverloadAction.shed, .downgrade(route: "cheap")])
    func displacedOrRefused(overload: OverloadAction) async {
        let run = Run(maxQueue: Self.capacity, overload: overload)
        let requests = await run.burst {
            // t = 0: free 1–4 and paid 1–4 hold the slots; paid 5–12 fill the queue, having displaced
            // free 5–8; free 9–12 found it full with no lower tier waiting.
            #expect(run.gate.snapshot.inFlightByTier == ["paid": 4, "free": 4, "default": 0])
            #expect(run.gate.snapshot.queuedByTier == ["paid": 8, "free": 0, "default": 0])
            await run.step(to: Self.hold, "paid 5–12 take the freed slots") { snapshot in
                snapshot.admittedByTier["paid"] == 12 && snapshot.inFlight == 8
            }
            await run.step(to: Self.hold * 2, "everything has left") { $0.inFlight == 0 }
        }
        checkPaidFirst(requests, run)

        for request in requests where request.tier == "free" {
            switch request.number {
            case 1...4:
                #expect(request.outcome.success?.waited == .zero, "free \(request.number) served at once")
            default:
                let rejection = request.outcome.failure
                let expected: AdmissionRejection.Reason = request.number <= 8 ? .displaced : .queueFull
                #expect(rejection?.reason == expected, "free \(request.number)")
                #expect(rejection?.overload == overload)
                #expect(rejection?.tier == "free")
                #expect((rejection?.retryAfter ?? .zero) >= .seconds(1))
            }
        }
        let snapshot = run.gate.snapshot
        #expect(snapshot.admittedByTier == ["paid": 12, "free": 4, "default": 0])
        #expect(snapshot.shedByTier["free"] == [.displaced: 4, .queueFull: 4])
    }

    @Test("queue of 2C: free 5–8 wait behind every paid request and are served; free 9–12 time out",
          arguments: [OverloadAction.shed, .downgrade(route: "cheap")])
    func queuedOrTimedOut(overload: OverloadAction) async {
        let run = Run(maxQueue: nil, overload: overload)
        let requests = await run.burst {
            // t = 0: free 1–4 and paid 1–4 hold the slots; the other 16 wait (the queue holds 2C).
            #expect(run.gate.snapshot.queuedByTier == ["paid": 8, "free": 8, "default": 0])
            await run.step(to: Self.hold, "paid 5–12 take every freed slot; no free request does") { snapshot in
                snapshot.inFlightByTier == ["paid": 8, "free": 0, "default": 0]
            }
            #expect(run.gate.snapshot.queuedByTier == ["paid": 0, "free": 8, "default": 0])
            await run.step(to: Self.hold * 2, "free 5–8 take the free share; the other slots stay empty") {
                $0.inFlightByTier == ["paid": 0, "free": 4, "default": 0] && $0.queued == 4
            }
            await run.step(to: Self.freeTimeout, "free 9–12 time out") { $0.shed("free", .timedOut) == 4 }
            await run.step(to: Self.hold * 3, "everything has left") { $0.inFlight == 0 }
        }
        checkPaidFirst(requests, run)

        for request in requests where request.tier == "free" {
            switch request.number {
            case 1...4:
                #expect(request.outcome.success?.waited == .zero, "free \(request.number) served at once")
            case 5...8:
                #expect(request.outcome.success?.waited == Self.hold * 2, "free \(request.number) queued, then served")
            default:
                let rejection = request.outcome.failure
                #expect(rejection?.reason == .timedOut, "free \(request.number)")
                #expect(rejection?.overload == overload)
                #expect(rejection?.tier == "free")
                #expect((rejection?.retryAfter ?? .zero) >= .seconds(1))
            }
        }
        let snapshot = run.gate.snapshot
        #expect(snapshot.admittedByTier == ["paid": 12, "free": 8, "default": 0])
        #expect(snapshot.shedByTier["free"] == [.timedOut: 4])
    }
}
