import Foundation
import NIOCore
import NIOHTTP1

/// Part 2 of `sluice-bench routing`: a peak of three times the backend's capacity, paid against free.
///
/// Two mock upstreams answer after a fixed latency: `mock`, configured with `capacity: C`, and `cheap`,
/// without a capacity. Tiers `paid` (priority 10, 5 s queue timeout) and `free` (priority 0, 1 s queue
/// timeout, at most half the capacity) are set by the `x-sluice-tier` header, which the gateway is told
/// to trust. Every connection is a paced closed loop: at most one request per upstream latency, so
/// `N` connections offer `N / C` times what `mock` can serve.
///
/// Three runs, each against a fresh `sluice serve`: the baseline (C paid connections, normal load);
/// the peak with free requests shed (`on_overload: shed`, 3C connections, half paid, half free); and
/// the same peak with free requests downgraded to `cheap` (`on_overload: {downgrade: cheap}`).
struct RoutingPeakScenario: Sendable {
    /// Where the load generator runs.
    let group: any EventLoopGroup
    /// Where the mock upstreams run.
    let mockGroup: any EventLoopGroup
    /// `mock`'s `capacity` (concurrent requests), and the connections of normal load.
    let capacity: Int
    /// The mock upstreams' fixed latency, which is also each connection's pace.
    let latency: TimeAmount
    /// How long each measured run lasts.
    let duration: TimeAmount
    let directory: URL

    /// One tier's connections in one run.
    struct TierRun: Sendable {
        var tier: String
        var connections: Int
        var tally: RoutingTally
    }

    /// One run: its tiers, and how many chat requests each mock answered during it.
    struct Run: Sendable {
        var name: String
        var tiers: [TierRun]
        /// Chat requests `mock` answered from the start of the run until all its connections finished.
        var mockAnswered: Int
        /// Of those, the ones answered within the run's duration (the rest were queued when it ended).
        var mockAnsweredInWindow: Int
        var cheapAnswered: Int

        func tier(_ name: String) -> TierRun? { tiers.first { $0.tier == name } }
    }

    /// The three runs.
    struct Figures: Sendable {
        var baseline: Run
        var shed: Run
        var downgrade: Run
    }

    /// What free requests do when `mock` is full.
    enum FreeOverload: Sendable {
        case shed
        case downgrade

        var yaml: String {
            switch self {
            case .shed: return "shed"
            case .downgrade: return "{downgrade: cheap}"
            }
        }
    }

    func run() async throws -> Figures {
        let mock = try await RoutingDelayedUpstream.start(name: "mock", delay: latency, group: mockGroup)
        let cheap: RoutingDelayedUpstream
        do {
            cheap = try await RoutingDelayedUpstream.start(name: "cheap", delay: latency, group: mockGroup)
        } catch {
            try? await mock.stop()
            throw error
        }
        do {
            let peakPaid = (3 * capacity + 1) / 2
            let peakFree = 3 * capacity - peakPaid
            let baseline = try await measure(
                "baseline 1×", overload: .shed, paid: capacity, free: 0, mock: mock, cheap: cheap)
            let shed = try await measure(
                "peak 3×, free shed", overload: .shed, paid: peakPaid, free: peakFree, mock: mock, cheap: cheap)
            let downgrade = try await measure(
                "peak 3×, free downgraded", overload: .downgrade, paid: peakPaid, free: peakFree, mock: mock, cheap: cheap)
            try await mock.stop()
            try await cheap.stop()
            return Figures(baseline: baseline, shed: shed, downgrade: downgrade)
        } catch {
            try? await mock.stop()
            try? await cheap.stop()
            throw error
        }
    }

    /// The gateway's config: ledger off, trusted tier header, the two tiers, the two mocks.
    func config(overload: FreeOverload, mockPort: Int, cheapPort: Int) -> String {
        """
        ledger:
          store: off
        routing:
          trust_tier_header: true
        tiers:
          paid: {priority: 10, queue_timeout: 5}
          free: {priority: 0, queue_timeout: 1, max_share: 0.5, on_overload: \(overload.yaml)}
        models:
        \(RoutingRuleSet.model("mock", port: mockPort, capacity: capacity))
        \(RoutingRuleSet.model("cheap", port: cheapPort))

        """
    }

    /// A fresh gateway, a one-second warm-up at normal load, then `paid` and `free` connections at once.
    private func measure(
        _ name: String, overload: FreeOverload, paid: Int, free: Int, mock: RoutingDelayedUpstream, cheap: RoutingDelayedUpstream
    ) async throws -> Run {
        let label = "peak-" + name.filter { $0.isLetter || $0.isNumber }
        Self.progress("peak: \(name): starting sluice")
        let target = try await RoutingGateway.start(
            label: label, config: config(overload: overload, mockPort: mock.port, cheapPort: cheap.port),
            directory: directory, group: group)
        do {
            let load = RoutingLoad(group: group, host: "127.0.0.1", port: target.port)
            let paidRequest = try request(tier: "paid", port: target.port)
            let freeRequest = try request(tier: "free", port: target.port)
            _ = try await load.run(paidRequest, connections: capacity, duration: .seconds(1), pace: latency)
            let mockBefore = mock.answered.value
            let cheapBefore = cheap.answered.value
            Self.progress("peak: \(name): \(paid) paid + \(free) free connections, \(duration.nanoseconds / 1_000_000_000) s")
            async let paidTally = load.run(paidRequest, connections: paid, duration: duration, pace: latency)
            async let freeTally = load.run(freeRequest, connections: free, duration: duration, pace: latency)
            try await Task.sleep(for: .nanoseconds(duration.nanoseconds))
            let mockInWindow = mock.answered.value - mockBefore
            var tiers = [TierRun(tier: "paid", connections: paid, tally: try await paidTally)]
            let freeResult = try await freeTally
            if free > 0 { tiers.append(TierRun(tier: "free", connections: free, tally: freeResult)) }
            let run = Run(
                name: name, tiers: tiers, mockAnswered: mock.answered.value - mockBefore, mockAnsweredInWindow: mockInWindow,
                cheapAnswered: cheap.answered.value - cheapBefore)
            await target.child?.stop()
            return run
        } catch {
            await target.child?.stop()
            throw error
        }
    }

    /// The three-turn chat for `mock`, stating its tier in `x-sluice-tier`.
    private func request(tier: String, port: Int) throws -> LoadRequest {
        var request = LoadRequest.post(
            path: "/v1/chat/completions", json: try RoutingSamples.json(RoutingSamples.threeTurnChat(model: "mock")),
            host: "127.0.0.1", port: port)
        request.headers.add(name: "x-sluice-tier", value: tier)
        return request
    }

    private static func progress(_ line: String) {
        var standardError = StandardError()
        print("• \(line)", to: &standardError)
    }
}
