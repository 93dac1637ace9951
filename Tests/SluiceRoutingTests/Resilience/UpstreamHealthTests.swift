import Testing
@testable import SluiceRouting

@Suite("UpstreamHealth registry")
struct UpstreamHealthTests {
    @Test("one breaker per upstream, created lazily with the shared settings")
    func oneBreakerPerUpstream() {
        let settings = BreakerSettings(minimumRequests: 1, failureRateToOpen: 1)
        let health = UpstreamHealth(settings: settings)
        #expect(health.snapshot().isEmpty)
        #expect(health.allowsRequest(to: "never-seen"))
        let first = health.breaker(for: "deepseek")
        #expect(health.breaker(for: "deepseek") === first)
        #expect(health.breaker(for: "qwen") !== first)
        #expect(first.settings == settings)
        #expect(Set(health.snapshot().keys) == ["deepseek", "qwen"])
    }

    @Test("the snapshot and availability follow each breaker's state")
    func snapshotFollowsState() throws {
        let t0 = ContinuousClock.now
        let health = UpstreamHealth(settings: BreakerSettings(minimumRequests: 1, failureRateToOpen: 1))
        let breaker = health.breaker(for: "a", now: t0)
        _ = health.breaker(for: "b", now: t0)
        let permit = try #require(breaker.acquire(now: t0))
        breaker.record(permit, success: false, now: t0)
        let snapshot = health.snapshot(now: t0 + .seconds(1))
        #expect(snapshot["a"]?.state == .open(until: t0 + .seconds(10)))
        #expect(snapshot["a"]?.state.name == "open")
        #expect(snapshot["b"]?.state == .closed)
        #expect(!health.allowsRequest(to: "a", now: t0 + .seconds(1)))
        #expect(health.allowsRequest(to: "a", now: t0 + .seconds(10)))
        #expect(health.snapshot(now: t0 + .seconds(10))["a"]?.state == .halfOpen)
    }

    @Test("concurrent lookups of one upstream all get the same breaker")
    func concurrentLookups() async {
        let health = UpstreamHealth()
        let breakers = await withTaskGroup(of: CircuitBreaker.self) { group in
            for _ in 0..<32 { group.addTask { health.breaker(for: "shared") } }
            return await group.reduce(into: [CircuitBreaker]()) { $0.append($1) }
        }
        #expect(breakers.allSatisfy { $0 === breakers[0] })
    }
}
