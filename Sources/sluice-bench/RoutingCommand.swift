import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `sluice-bench routing`: what routing decisions cost, and how tiers fare at a peak.
///
/// 1. Decision time, in process: rules, the discriminator, and a whole route decision, call by call.
/// 2. A 3× overload against mock upstreams with a fixed latency: paid against free, shed and downgraded.
/// 3. The gateway's throughput against a zero-latency mock with routing off, with rules, and with
///    rules and the discriminator.
struct RoutingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routing",
        abstract: "Measure routing decision time, tiers at a 3× peak, and the gateway's throughput with routing on against off."
    )

    @Option(parsing: .upToNextOption, help: "Parts to run: decisions, peak, overhead.")
    var parts: [RoutingPart] = RoutingPart.allCases

    @Option(help: "Timed calls per decision-time row.")
    var decisions: Int = 200_000

    @Option(help: "Synthetic examples the discriminator is trained on.")
    var trainingExamples: Int = 4_000

    @Option(help: "The peak's `mock` capacity (concurrent requests); normal load is this many connections, the peak 3×.")
    var capacity: Int = 32

    @Option(help: "The peak's mock upstream latency, in milliseconds (also each connection's pace).")
    var latencyMs: Int = 100

    @Option(help: "Seconds each peak run lasts (baseline, shed, downgrade).")
    var peakDuration: Int = 15

    @Option(help: "Keep-alive connections for the overhead runs.")
    var connections: Int = 32

    @Option(help: "Seconds each overhead run lasts.")
    var overheadDuration: Int = 3

    @Option(help: "Rounds of the overhead runs (each round runs every variant once).")
    var rounds: Int = 6

    func validate() throws {
        guard !parts.isEmpty else { throw ValidationError("--parts needs at least one of decisions, peak, overhead") }
        guard decisions >= 1_000 else { throw ValidationError("--decisions must be at least 1000") }
        guard trainingExamples >= 100 else { throw ValidationError("--training-examples must be at least 100") }
        guard capacity >= 1 else { throw ValidationError("--capacity must be at least 1") }
        guard latencyMs >= 1 else { throw ValidationError("--latency-ms must be at least 1") }
        guard peakDuration >= 2 else { throw ValidationError("--peak-duration must be at least 2 seconds") }
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        guard overheadDuration >= 1 else { throw ValidationError("--overhead-duration must be at least 1 second") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() async throws {
        _ = try await BenchRun.measure(named: "sluice-bench-routing", measure)
    }

    private func measure(
        directory: URL, mockGroup: MultiThreadedEventLoopGroup, loadGroup: MultiThreadedEventLoopGroup
    ) async throws -> RoutingReport {
        let loadBefore = GatewayReport.loadAverageNow()
        let modelPath = directory.appendingPathComponent("discriminator.json").path
        let decisionBench = RoutingDecisionBench(decisions: decisions, trainingExamples: trainingExamples, modelPath: modelPath)
        var sections: [RoutingReport.Section] = []

        var decisionFigures: RoutingDecisionBench.Figures?
        if parts.contains(.decisions) {
            let figures = try decisionBench.run()
            decisionFigures = figures
            sections.append(RoutingReport.decisionSection(figures, decisions: decisions))
        } else if parts.contains(.overhead) {
            _ = try decisionBench.trainModel()
        }

        if parts.contains(.peak) {
            let latency = TimeAmount.milliseconds(Int64(latencyMs))
            let scenario = RoutingPeakScenario(
                group: loadGroup, mockGroup: mockGroup, capacity: capacity, latency: latency,
                duration: .seconds(Int64(peakDuration)), directory: directory)
            sections.append(RoutingReport.peakSection(
                try await scenario.run(), capacity: capacity, latencyNanoseconds: Double(latency.nanoseconds),
                durationSeconds: peakDuration))
        }

        if parts.contains(.overhead) {
            let mock = try await MockUpstream.start(group: mockGroup)
            let overhead = RoutingOverhead(
                group: loadGroup, upstreamPort: mock.port, connections: connections, duration: .seconds(Int64(overheadDuration)),
                rounds: rounds, modelPath: modelPath, directory: directory)
            let figures: RoutingOverhead.Figures
            do {
                figures = try await overhead.run()
            } catch {
                try? await mock.stop()
                throw error
            }
            try await mock.stop()
            sections.append(RoutingReport.overheadSection(
                figures, connections: connections, durationSeconds: overheadDuration, rounds: rounds, decisions: decisionFigures))
        }

        return RoutingReport(
            settings: .init(
                command: ".build/release/sluice-bench " + CommandLine.arguments.dropFirst().joined(separator: " "),
                loadAverage: (before: loadBefore, after: GatewayReport.loadAverageNow())),
            sections: sections)
    }
}

/// The parts of `sluice-bench routing`.
enum RoutingPart: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// Decision time, in process.
    case decisions
    /// The 3× peak, paid against free.
    case peak
    /// Throughput with routing on against off.
    case overhead
}
