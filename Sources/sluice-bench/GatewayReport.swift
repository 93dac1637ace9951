import Foundation

/// The gateway benchmark's results: aligned tables for the terminal and the same as Markdown for
/// BENCHMARKS.md.
struct GatewayReport: Sendable, BenchReport {
    struct Settings: Sendable {
        var connections: Int
        var durationSeconds: Int
        var command: String
    }

    /// A `wrk` cross-check of one target.
    struct WrkLine: Sendable {
        var target: String
        var figures: WrkRunner.Figures
    }

    let settings: Settings
    let direct: TargetFigures
    let sluice: TargetFigures
    /// LiteLLM's figures, or why it was not measured.
    let litellm: Result<TargetFigures, BenchError>?
    let wrk: [WrkLine]
    let wrkSkipped: String?
    let benchPeakResidentBytes: UInt64
    /// `/proc/loadavg` before and after the run: other work on the machine skews every figure.
    let loadAverage: (before: String, after: String)

    /// The comparison with the mock upstream reached directly, against the goals.
    var mainTable: TextTable {
        var table = TextTable(header: ["metric", "direct to mock", "through Sluice", "Sluice adds", "goal", "result"])
        let directRate = direct.throughput.requestsPerSecond
        let sluiceRate = sluice.throughput.requestsPerSecond
        table.add([
            "non-streaming req/s, \(settings.connections) connections", Format.rate(directRate), Format.rate(sluiceRate), "",
            "≥ \(Format.rate(GatewayGoals.requestsPerSecond))",
            GatewayGoals.verdict(
                met: sluiceRate >= GatewayGoals.requestsPerSecond,
                shortBy: String(format: "%.0f%%", (1 - sluiceRate / GatewayGoals.requestsPerSecond) * 100)),
        ])
        for quantile in [0.5, 0.99] {
            table.add(latencyRow(
                "latency p\(Self.percentile(quantile)), \(settings.connections) connections",
                direct.throughput.latency, sluice.throughput.latency, quantile: quantile))
        }
        let goals: [Double: Double] = [0.5: GatewayGoals.addedP50, 0.99: GatewayGoals.addedP99]
        for quantile in [0.5, 0.99, 0.999] {
            var row = latencyRow(
                "latency p\(Self.percentile(quantile)), 1 connection", direct.latency.latency, sluice.latency.latency,
                quantile: quantile)
            if let goal = goals[quantile] {
                let added = Self.added(direct.latency.latency, sluice.latency.latency, quantile)
                row += ["added ≤ \(Format.milliseconds(goal))",
                        GatewayGoals.verdict(met: added <= goal, shortBy: Format.milliseconds(added - goal))]
            }
            table.add(row)
        }
        for quantile in [0.5, 0.99] {
            table.add(latencyRow(
                "streaming time to first byte p\(Self.percentile(quantile)), 1 connection",
                direct.streaming.firstByte, sluice.streaming.firstByte, quantile: quantile))
        }
        table.add(latencyRow(
            "streaming full response p50, 1 connection", direct.streaming.latency, sluice.streaming.latency, quantile: 0.5))
        let peak = sluice.peakResidentBytes ?? 0
        table.add([
            "peak RSS (VmHWM) after all runs", "", Format.megabytes(peak), "", "≤ \(Format.megabytes(GatewayGoals.peakResidentBytes))",
            GatewayGoals.verdict(met: peak <= GatewayGoals.peakResidentBytes, shortBy: Format.megabytes(peak &- GatewayGoals.peakResidentBytes)),
        ])
        table.add(["Sluice CPU time per request (\(settings.connections) connections)", "",
                   sluice.cpuSecondsPerRequest.map(Format.microseconds) ?? "n/a"])
        let directErrors = direct.throughput.errors + direct.latency.errors + direct.streaming.errors
        let sluiceErrors = sluice.throughput.errors + sluice.latency.errors + sluice.streaming.errors
        table.add(["errors (non-200 or broken connections)", String(directErrors), String(sluiceErrors)])
        table.add(["bench process peak RSS (mock + load generator)", Format.megabytes(benchPeakResidentBytes)])
        return table
    }

    /// Sluice beside LiteLLM, when LiteLLM was measured.
    var peerTable: TextTable? {
        guard case .success(let peer) = litellm else { return nil }
        var table = TextTable(header: ["metric", "Sluice", "LiteLLM", "Sluice advantage"])
        let sluiceRate = sluice.throughput.requestsPerSecond
        let peerRate = peer.throughput.requestsPerSecond
        table.add([
            "non-streaming req/s, \(settings.connections) connections", Format.rate(sluiceRate), Format.rate(peerRate),
            peerRate > 0 ? Format.ratio(sluiceRate / peerRate) : "n/a",
        ])
        table.add(peerLatencyRow("latency p50, \(settings.connections) connections", sluice.throughput.latency, peer.throughput.latency, 0.5))
        table.add(peerLatencyRow("latency p50, 1 connection", sluice.latency.latency, peer.latency.latency, 0.5))
        table.add(peerLatencyRow("latency p99, 1 connection", sluice.latency.latency, peer.latency.latency, 0.99))
        table.add(peerLatencyRow(
            "streaming time to first byte p50", sluice.streaming.firstByte, peer.streaming.firstByte, 0.5))
        let sluicePeak = Double(sluice.peakResidentBytes ?? 0)
        let peerPeak = Double(peer.peakResidentBytes ?? 0)
        table.add([
            "peak RSS", Format.megabytes(UInt64(sluicePeak)), Format.megabytes(UInt64(peerPeak)),
            sluicePeak > 0 ? Format.ratio(peerPeak / sluicePeak) + " less" : "n/a",
        ])
        table.add([
            "CPU time per request", sluice.cpuSecondsPerRequest.map(Format.microseconds) ?? "n/a",
            peer.cpuSecondsPerRequest.map(Format.microseconds) ?? "n/a",
            Self.ratio(peer.cpuSecondsPerRequest, sluice.cpuSecondsPerRequest) + " less",
        ])
        table.add([
            "errors", String(sluice.throughput.errors + sluice.latency.errors + sluice.streaming.errors),
            String(peer.throughput.errors + peer.latency.errors + peer.streaming.errors), "",
        ])
        return table
    }

    /// wrk's figures, when it ran.
    var wrkTable: TextTable? {
        guard !wrk.isEmpty else { return nil }
        var table = TextTable(header: ["wrk -t1 -c\(settings.connections) -d\(settings.durationSeconds)s", "req/s", "latency avg stdev max", "errors"])
        for line in wrk {
            table.add([line.target, Format.rate(line.figures.requestsPerSecond), line.figures.latencyLine, String(line.figures.errors)])
        }
        return table
    }

    /// Lines about what ran where, and what was skipped.
    var notes: [String] {
        var notes = [
            "machine: \(Self.machine()); mock upstream (SwiftNIO, 1 event loop thread) and load generator (SwiftNIO, 1 event loop thread) in the bench process; Sluice as a child process (`sluice serve`, log level warning). All share the same cores.",
            "latency at 1 connection: \(sluice.latency.completed) requests each; streaming: \(sluice.streaming.completed) requests each; throughput: \(settings.durationSeconds) s closed loop at \(settings.connections) keep-alive connections.",
        ]
        switch litellm {
        case .success(let peer):
            notes.append("LiteLLM: `litellm --config` (one uvicorn worker) against the same mock; latency and streaming runs of \(peer.latency.completed) requests each; RSS and CPU summed over its process tree.")
        case .failure(let reason):
            notes.append("LiteLLM skipped: \(reason)")
        case nil:
            notes.append("LiteLLM not run (pass --litellm to compare).")
        }
        if let wrkSkipped { notes.append("wrk skipped: \(wrkSkipped)") }
        notes.append("load average (1, 5, 15 min) before: \(loadAverage.before); after: \(loadAverage.after).")
        return notes
    }

    /// The whole report for the terminal.
    var text: String {
        var parts = ["Sluice gateway benchmark", mainTable.aligned]
        if let peerTable { parts.append(peerTable.aligned) }
        if let wrkTable { parts.append(wrkTable.aligned) }
        parts.append(notes.map { "- " + $0 }.joined(separator: "\n"))
        return parts.joined(separator: "\n\n")
    }

    /// The same, as a Markdown section body for BENCHMARKS.md.
    var markdown: String {
        let date = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate])
        var parts = ["Measured \(date) with `\(settings.command)`.", mainTable.markdown]
        if let peerTable { parts.append(peerTable.markdown) }
        if let wrkTable { parts.append(wrkTable.markdown) }
        parts.append(notes.map { "- " + $0 }.joined(separator: "\n"))
        return parts.joined(separator: "\n\n")
    }

    // MARK: - Rows

    private func latencyRow(_ name: String, _ base: LatencyHistogram, _ through: LatencyHistogram, quantile: Double) -> [String] {
        let baseValue = Double(base.value(atQuantile: quantile))
        let throughValue = Double(through.value(atQuantile: quantile))
        return [name, Format.milliseconds(baseValue), Format.milliseconds(throughValue), Format.milliseconds(throughValue - baseValue)]
    }

    private func peerLatencyRow(_ name: String, _ ours: LatencyHistogram, _ theirs: LatencyHistogram, _ quantile: Double) -> [String] {
        let oursValue = Double(ours.value(atQuantile: quantile))
        let theirsValue = Double(theirs.value(atQuantile: quantile))
        return [name, Format.milliseconds(oursValue), Format.milliseconds(theirsValue),
                oursValue > 0 ? Format.ratio(theirsValue / oursValue) + " faster" : "n/a"]
    }

    static func added(_ base: LatencyHistogram, _ through: LatencyHistogram, _ quantile: Double) -> Double {
        Double(through.value(atQuantile: quantile)) - Double(base.value(atQuantile: quantile))
    }

    static func percentile(_ quantile: Double) -> String {
        let value = quantile * 100
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func ratio(_ numerator: Double?, _ denominator: Double?) -> String {
        guard let numerator, let denominator, denominator > 0 else { return "n/a" }
        return Format.ratio(numerator / denominator)
    }

    /// The first three fields of `/proc/loadavg`.
    static func loadAverageNow() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// CPU model and core count, from /proc/cpuinfo.
    static func machine() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        return "\(ProcessInfo.processInfo.activeProcessorCount)-core \(model)"
    }
}
