import Testing
@testable import SluiceRouting

@Suite("AdmissionGate tokens per minute")
struct AdmissionTokenTests {
    /// A gate with a token limit per 300 ms window, on a clock the test moves.
    private func gate(tokensPerWindow: Int, clock: ManualClock) -> AdmissionGate {
        AdmissionGate(
            capacity: BackendCapacity(concurrency: 4, tokensPerMinute: tokensPerWindow),
            tiers: TierTable([TestTiers.paid(), TestTiers.free(overload: .downgrade(route: "cheap"))]),
            tokenWindow: .milliseconds(300), time: clock.timeSource)
    }

    @Test("a request that does not fit the window waits until older admissions age out")
    func waitsForWindow() async throws {
        let clock = ManualClock()
        let gate = gate(tokensPerWindow: 100, clock: clock)
        let first = try await gate.enter(tier: "paid", tokens: 60)
        clock.advance(to: .milliseconds(10))
        gate.leave(first)
        // The slot is free, but 60 + 50 > 100 until the first admission leaves the window at 300 ms.
        let second = Task { await attempt(gate, tier: "paid", tokens: 50) }
        #expect(await eventually { gate.snapshot.queued == 1 })
        #expect(gate.hasArmedTimer)
        clock.advance(to: .milliseconds(299))
        try await Task.sleep(for: .milliseconds(20))
        #expect(gate.snapshot.queued == 1)
        clock.advance(to: .milliseconds(300))
        let ticket = try #require(await second.value.success)
        #expect(ticket.waited == .milliseconds(290))
        #expect(gate.snapshot.tokensInWindow == 50)
        gate.leave(ticket)
        #expect(!gate.hasArmedTimer)
    }

    @Test("the same, on the real clock")
    func waitsForWindowRealClock() async throws {
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 4, tokensPerMinute: 100),
            // A queue timeout far beyond the window, so a busy machine cannot turn the wait into a timeout.
            tiers: TierTable([], unknown: TierPolicy(name: "default", queueTimeout: .seconds(600))),
            tokenWindow: .milliseconds(200), time: .continuous)
        let start = ContinuousClock.now
        gate.leave(try await gate.enter(tier: "x", tokens: 60))
        let second = try await gate.enter(tier: "x", tokens: 50)
        #expect(ContinuousClock.now - start >= .milliseconds(200))
        #expect(second.waited >= .milliseconds(150))
        gate.leave(second)
        #expect(!gate.hasArmedTimer)
    }

    @Test("leaving with the actual tokens corrects the window")
    func correction() async throws {
        let gate = gate(tokensPerWindow: 100, clock: ManualClock())
        let first = try await gate.enter(tier: "paid", tokens: 60)
        gate.leave(first, actualTokens: 10)
        #expect(gate.snapshot.tokensInWindow == 10)
        let second = try await gate.enter(tier: "paid", tokens: 90)
        #expect(second.waited == .zero)
        gate.leave(second)
    }

    @Test("a request larger than the whole window is rejected at once as tooLarge")
    func tooLarge() async {
        let gate = gate(tokensPerWindow: 100, clock: ManualClock())
        let rejection = await attempt(gate, tier: "free", tokens: 101).failure
        #expect(rejection?.reason == .tooLarge)
        #expect(rejection?.overload == .downgrade(route: "cheap"))
        #expect(gate.snapshot.shed("free", .tooLarge) == 1)
        #expect(await attempt(gate, tier: "free", tokens: 100).success != nil)
    }

    @Test("a waiter held back by the window holds back lower priorities, then goes first")
    func headOfLine() async throws {
        let clock = ManualClock()
        let gate = gate(tokensPerWindow: 100, clock: clock)
        gate.leave(try await gate.enter(tier: "paid", tokens: 90))
        let paid = Task { await attempt(gate, tier: "paid", tokens: 50) }
        #expect(await eventually { gate.snapshot.queued == 1 })
        // 90 + 5 would fit, but the paid waiter goes first.
        let free = Task { await attempt(gate, tier: "free", tokens: 5) }
        #expect(await eventually { gate.snapshot.queued == 2 })
        clock.advance(to: .milliseconds(300))
        let paidTicket = try #require(await paid.value.success)
        let freeTicket = try #require(await free.value.success)
        #expect(paidTicket.admission < freeTicket.admission)
        #expect(freeTicket.waited == .milliseconds(300))
        #expect(gate.snapshot.tokensInWindow == 55)
    }

    @Test("a token-limited rejection suggests retrying once the window has room")
    func retryAfterCoversWindow() async throws {
        let gate = AdmissionGate(
            capacity: BackendCapacity(concurrency: 4, tokensPerMinute: 100, maxQueue: 0),
            tiers: TierTable([TestTiers.paid()]))
        let first = try await gate.enter(tier: "paid", tokens: 80)
        let rejection = try #require(await attempt(gate, tier: "paid", tokens: 30).failure)
        #expect(rejection.reason == .queueFull)
        #expect(rejection.retryAfter > .seconds(59) && rejection.retryAfter <= .seconds(60))
        #expect(rejection.retryAfterSeconds == 60)
        gate.leave(first)
    }
}

@Suite("TokenWindow")
struct TokenWindowTests {
    @Test("entries count until exactly one window length later")
    func ageing() {
        let origin = ContinuousClock.now
        var window = TokenWindow(limit: 100, length: .seconds(60))
        window.add(admission: 1, tokens: 40, at: origin)
        window.add(admission: 2, tokens: 30, at: origin + .seconds(10))
        #expect(window.fits(30))
        #expect(!window.fits(31))
        #expect(window.whenFits(30) == nil)
        #expect(window.whenFits(31) == origin + .seconds(60))
        #expect(window.whenFits(90) == origin + .seconds(70))
        window.prune(now: origin + .seconds(60) - .nanoseconds(1))
        #expect(window.total == 70)
        window.prune(now: origin + .seconds(60))
        #expect(window.total == 30)
        window.correct(admission: 1, tokens: 5)
        #expect(window.total == 30)
        window.correct(admission: 2, tokens: 5)
        #expect(window.total == 5)
        window.prune(now: origin + .seconds(70))
        #expect(window.total == 0)
    }

    @Test("token counts are clamped")
    func clamping() {
        var window = TokenWindow(limit: 10, length: .seconds(60))
        window.add(admission: 1, tokens: -5, at: .now)
        #expect(window.total == 0)
        window.correct(admission: 1, tokens: Int.max)
        #expect(window.total == TokenWindow.maxTokens)
    }
}
