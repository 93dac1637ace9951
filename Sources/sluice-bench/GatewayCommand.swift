import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `sluice-bench gateway`: what Sluice adds in front of a fast upstream, measured as deployed.
///
/// In one run it starts a mock OpenAI-compatible upstream, starts `sluice serve` in front of it, and
/// measures both directly and through Sluice: non-streaming throughput, latency at one connection,
/// streaming time to first byte, and Sluice's peak memory. With `--litellm` it measures LiteLLM's proxy
/// against the same mock; with `--wrk` it cross-checks throughput with `wrk`.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Measure the gateway's throughput, added latency, streaming overhead and memory against a mock upstream."
    )

    @Option(help: "Keep-alive connections for the throughput run.")
    var connections: Int = 32

    @Option(help: "Seconds the throughput run lasts, per target.")
    var duration: Int = 10

    @Option(help: "Requests in each one-connection latency and streaming run.")
    var latencyRequests: Int = 2000

    @Flag(help: "Also measure LiteLLM's proxy (needs `pip install 'litellm[proxy]'`) and print the ratio.")
    var litellm: Bool = false

    @Option(help: "Most requests in LiteLLM's one-connection runs (it is slow; this keeps the run short).")
    var litellmLatencyRequests: Int = 300

    @Flag(help: "Cross-check throughput with `wrk` when it is installed.")
    var wrk: Bool = false

    func validate() throws {
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        guard duration >= 1 else { throw ValidationError("--duration must be at least 1 second") }
        guard latencyRequests >= 10 else { throw ValidationError("--latency-requests must be at least 10") }
    }

    func run() async throws {
        _ = try await BenchRun.measure(named: "sluice-bench", measure)
    }

    private func measure(
        directory: URL, mockGroup: MultiThreadedEventLoopGroup, loadGroup: MultiThreadedEventLoopGroup
    ) async throws -> GatewayReport {
        let loadBefore = GatewayReport.loadAverageNow()
        let mock = try await MockUpstream.start(group: mockGroup)
        let suite = GatewaySuite(
            group: loadGroup, connections: connections, duration: .seconds(Int64(duration)), latencyRequests: latencyRequests)

        let sluiceTarget = try await SluiceServer.start(upstreamPort: mock.port, directory: directory, group: loadGroup)
        let direct: TargetFigures
        let sluice: TargetFigures
        var wrkLines: [GatewayReport.WrkLine] = []
        var wrkSkipped: String?
        do {
            direct = try await suite.measure(ServedTarget(name: "direct", port: mock.port, child: nil))
            sluice = try await suite.measure(sluiceTarget)
            if wrk {
                if let binary = WrkRunner.locate() {
                    for target in [ServedTarget(name: "direct", port: mock.port, child: nil), sluiceTarget] {
                        Self.progress("wrk: \(target.name)")
                        let figures = try await WrkRunner.run(
                            wrk: binary, port: target.port, connections: connections, seconds: duration, directory: directory)
                        wrkLines.append(.init(target: target.name, figures: figures))
                    }
                } else {
                    wrkSkipped = "no `wrk` on PATH (apt-get install wrk)"
                }
            }
        } catch {
            await sluiceTarget.child?.stop()
            throw error
        }
        await sluiceTarget.child?.stop()

        var peer: Result<TargetFigures, BenchError>?
        if litellm {
            peer = await measureLiteLLM(suite: suite, upstreamPort: mock.port, directory: directory)
        }
        try await mock.stop()
        return GatewayReport(
            settings: .init(
                connections: connections, durationSeconds: duration,
                command: ".build/release/sluice-bench " + CommandLine.arguments.dropFirst().joined(separator: " ")),
            direct: direct, sluice: sluice, litellm: peer, wrk: wrkLines, wrkSkipped: wrkSkipped,
            benchPeakResidentBytes: ProcessStats.read()?.peakResidentBytes ?? 0,
            loadAverage: (before: loadBefore, after: GatewayReport.loadAverageNow()))
    }

    /// LiteLLM's figures, or why there are none; a LiteLLM failure never fails the whole bench.
    private func measureLiteLLM(
        suite: GatewaySuite, upstreamPort: Int, directory: URL
    ) async -> Result<TargetFigures, BenchError> {
        let executable: String
        switch LiteLLMServer.locate() {
        case .success(let path): executable = path
        case .failure(let reason): return .failure(reason)
        }
        Self.progress("litellm: starting \(executable)")
        let target: ServedTarget
        do {
            target = try await LiteLLMServer.start(
                executable: executable, upstreamPort: upstreamPort, directory: directory, group: suite.group)
        } catch {
            return .failure(BenchError("LiteLLM did not start: \(error)"))
        }
        do {
            let figures = try await suite.measure(target, latencyRequests: litellmLatencyRequests)
            await target.child?.stop()
            return .success(figures)
        } catch {
            await target.child?.stop()
            return .failure(BenchError("LiteLLM measurement failed: \(error)"))
        }
    }

    private static func progress(_ line: String) {
        var standardError = StandardError()
        print("• \(line)", to: &standardError)
    }
}
