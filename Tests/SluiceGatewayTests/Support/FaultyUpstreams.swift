import Foundation
import SluiceGateway
import SluiceProviders
import SluiceTesting

/// Several fake OpenAI-compatible upstreams, each with its own ``FaultPlan``, served for a test.
struct FaultyUpstreams: Sendable {
    let ports: [Int]
    let plans: [FaultPlan]

    /// A port on which nothing listens (connections are refused).
    static let refusingPort = 1

    /// Starts `count` fakes, runs `body`, then lets any hung requests go and stops them.
    static func with<R: Sendable>(count: Int, _ body: @Sendable (FaultyUpstreams) async throws -> R) async throws -> R {
        let plans = (0..<count).map { _ in FaultPlan() }
        return try await start(plans, ports: []) { ports in
            let upstreams = FaultyUpstreams(ports: ports, plans: plans)
            defer { for plan in plans { plan.set(.none) } }
            return try await body(upstreams)
        }
    }

    private static func start<R: Sendable>(
        _ plans: [FaultPlan], ports: [Int], _ body: @Sendable ([Int]) async throws -> R
    ) async throws -> R {
        guard ports.count < plans.count else { return try await body(ports) }
        return try await LiveServer.with(FakeOpenAI.router(faults: plans[ports.count])) { port in
            try await start(plans, ports: ports + [port], body)
        }
    }

    /// A model on fake `index` (or on the refusing port when `index` is nil). The default timeouts are
    /// generous, so that a healthy fake never times out on a machine busy with other suites; tests of
    /// timeouts pass their own.
    func model(
        _ name: String, on index: Int?, timeouts: Timeouts = Timeouts(connect: 5, firstByte: 15, total: 30)
    ) -> ModelConfig {
        let port = index.map { ports[$0] } ?? Self.refusingPort
        return ModelConfig(endpoint: ModelEndpoint(
            name: name, kind: .openai, upstreamModel: "fake-\(name)", baseURL: "http://127.0.0.1:\(port)/v1",
            apiKey: FakeOpenAI.apiKey, timeouts: timeouts))
    }

    /// The base URL of fake `index`.
    func baseURL(_ index: Int) -> String { "http://127.0.0.1:\(ports[index])/v1" }
}
