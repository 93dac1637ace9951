import Foundation
import NIOCore
import NIOHTTP1

/// Part 3 of `sluice-bench routing`: the gateway's throughput with routing on against off, against a
/// zero-latency mock upstream.
///
/// Each ``Variant`` is a `sluice serve` with its own config in front of the same mock, sent the same
/// three-turn chat (only its `model` differs). The variants are measured in turn, round after round,
/// the order rotating each round (a, b, c; b, c, a; c, a, b; …), each run on a fresh process warmed up
/// for a second: drift in the machine's speed, the run before, and whatever makes one process faster
/// than an identical other (three identical processes measured side by side differed by up to 9%)
/// all spread over the variants instead of favouring one.
struct RoutingOverhead: Sendable {
    /// Where the load generator runs.
    let group: any EventLoopGroup
    /// The zero-latency mock upstream's port.
    let upstreamPort: Int
    let connections: Int
    /// How long each measured run lasts.
    let duration: TimeAmount
    let rounds: Int
    /// The discriminator file for the `discriminator` variant.
    let modelPath: String
    let directory: URL

    /// What the gateway is configured with and what the request names.
    enum Variant: String, CaseIterable, Sendable {
        /// No routes: the request names the model `mock`.
        case direct
        /// The request names route `auto`: six rules (none match), default `mock`, one fallback.
        case rules
        /// The request names route `smart`: the same rules, then the discriminator (strong
        /// `mock-strong`, weak `mock`; both on the same mock upstream).
        case discriminator

        /// The request's `model`.
        var requested: String {
            switch self {
            case .direct: return "mock"
            case .rules: return "auto"
            case .discriminator: return "smart"
            }
        }

        /// How the report describes it.
        var title: String {
            switch self {
            case .direct: return "(a) model named, no routes"
            case .rules: return "(b) route: 6 rules → default"
            case .discriminator: return "(c) route: 6 rules + discriminator"
            }
        }
    }

    /// One measured run.
    struct Measurement: Sendable {
        var variant: Variant
        var round: Int
        var result: LoadResult
        /// The gateway's CPU time per completed request, when its process could be read.
        var cpuSecondsPerRequest: Double?
    }

    /// Everything part 3 measured.
    struct Figures: Sendable {
        var measurements: [Measurement]
        /// `x-sluice-model` and `x-sluice-route-reason` of one request per variant.
        var routedAs: [Variant: String]
    }

    func run() async throws -> Figures {
        var measurements: [Measurement] = []
        var routedAs: [Variant: String] = [:]
        for round in 1...rounds {
            for variant in Self.order(round: round) {
                let (measurement, routed) = try await measure(variant, round: round)
                measurements.append(measurement)
                if routedAs[variant] == nil { routedAs[variant] = routed }
            }
        }
        return Figures(measurements: measurements, routedAs: routedAs)
    }

    /// One run on a fresh gateway: start it, check how it routes the request, warm it up for a second,
    /// measure, stop it. Returns the measurement and how the probe request was routed.
    private func measure(_ variant: Variant, round: Int) async throws -> (Measurement, String) {
        let label = "r\(round)_\(variant.rawValue)"
        Self.progress("overhead: \(label): starting sluice")
        let target = try await RoutingGateway.start(
            label: "overhead-\(label)", config: config(variant), directory: directory, group: group)
        do {
            let request = LoadRequest.post(
                path: "/v1/chat/completions", json: try RoutingSamples.json(RoutingSamples.threeTurnChat(model: variant.requested)),
                host: "127.0.0.1", port: target.port)
            let head = try await RoutingProbe.send(request, host: "127.0.0.1", port: target.port, group: group)
            guard head.status == .ok else {
                throw BenchError("sluice (\(variant.rawValue)) answered \(head.status.code) to the bench's request")
            }
            let model = head.headers.first(name: "x-sluice-model") ?? "?"
            let routed = "\(model) (\(head.headers.first(name: "x-sluice-route-reason") ?? "?"))"
            let load = LoadGenerator(group: group, host: "127.0.0.1", port: target.port)
            _ = try await load.run(request, plan: LoadPlan(connections: connections, stop: .duration(.seconds(1))))
            Self.progress("overhead: \(label): \(connections) connections, \(duration.nanoseconds / 1_000_000_000) s")
            let before = target.stats()
            let result = try await load.run(request, plan: LoadPlan(connections: connections, stop: .duration(duration)))
            let after = target.stats()
            var cpu: Double?
            if let before, let after, result.completed > 0 {
                cpu = (after.cpuSeconds - before.cpuSeconds) / Double(result.completed)
            }
            await target.child?.stop()
            return (Measurement(variant: variant, round: round, result: result, cpuSecondsPerRequest: cpu), routed)
        } catch {
            await target.child?.stop()
            throw error
        }
    }

    /// The variants in the order round `round` (from 1) runs them: a, b, c; then b, c, a; then c, a, b; …
    /// so that no variant always follows the same other one or always runs first.
    static func order(round: Int) -> [Variant] {
        let all = Variant.allCases
        let shift = (round - 1) % all.count
        return Array(all[shift...] + all[..<shift])
    }

    /// The variant's config: every model on the one mock upstream, and the variant's route.
    func config(_ variant: Variant) -> String {
        let routes: [String]
        switch variant {
        case .direct: routes = []
        case .rules: routes = [RoutingRuleSet.route(name: "auto")]
        case .discriminator: routes = [RoutingRuleSet.route(name: "smart", discriminator: modelPath)]
        }
        return RoutingRuleSet.overheadConfig(upstreamPort: upstreamPort, routes: routes)
    }

    private static func progress(_ line: String) {
        var standardError = StandardError()
        print("• \(line)", to: &standardError)
    }
}
