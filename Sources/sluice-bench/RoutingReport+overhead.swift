import Foundation

extension RoutingReport {
    /// Part 3: throughput with routing on against off.
    /// With `decisions` (part 1's figures), it also says what share of a request's CPU the decision should take.
    static func overheadSection(
        _ figures: RoutingOverhead.Figures, connections: Int, durationSeconds: Int, rounds: Int,
        decisions: RoutingDecisionBench.Figures?
    ) -> Section {
        typealias Variant = RoutingOverhead.Variant
        var perRound = TextTable(header: ["round", "variant", "req/s", "p50", "p99", "Sluice CPU/request", "errors"])
        for measurement in figures.measurements {
            let result = measurement.result
            perRound.add([
                String(measurement.round), measurement.variant.title, Format.rate(result.requestsPerSecond),
                Format.milliseconds(Double(result.latency.value(atQuantile: 0.5))),
                Format.milliseconds(Double(result.latency.value(atQuantile: 0.99))),
                measurement.cpuSecondsPerRequest.map { RoutingFormat.microseconds($0 * 1e9) } ?? "n/a",
                String(result.errors),
            ])
        }

        struct Summary {
            var rate: Double
            var latency: LatencyHistogram
            var cpu: Double?
            var errors: UInt64
        }
        var summaries: [Variant: Summary] = [:]
        for variant in Variant.allCases {
            let runs = figures.measurements.filter { $0.variant == variant }
            guard !runs.isEmpty else { continue }
            var latency = LatencyHistogram()
            for run in runs { latency.merge(run.result.latency) }
            let cpus = runs.compactMap(\.cpuSecondsPerRequest)
            summaries[variant] = Summary(
                rate: runs.map(\.result.requestsPerSecond).reduce(0, +) / Double(runs.count), latency: latency,
                cpu: cpus.isEmpty ? nil : cpus.reduce(0, +) / Double(cpus.count),
                errors: runs.map(\.result.errors).reduce(0, +))
        }
        let base = summaries[.direct]
        let pairedRatios = medianRoundRatios(figures.measurements)
        var table = TextTable(header: [
            "variant", "routed as", "req/s (mean)", "vs (a)", "vs (a), median of rounds", "p50", "p99", "Sluice CPU/request",
            "CPU vs (a)", "errors",
        ])
        for variant in Variant.allCases {
            guard let summary = summaries[variant] else { continue }
            var cpuDelta = ""
            if let cpu = summary.cpu, let baseCPU = base?.cpu {
                cpuDelta = String(format: "%+.2f µs", (cpu - baseCPU) * 1e6)
            }
            table.add([
                variant.title, figures.routedAs[variant] ?? "?", Format.rate(summary.rate),
                base.map { $0.rate > 0 ? RoutingFormat.ratio(summary.rate / $0.rate) : "n/a" } ?? "n/a",
                pairedRatios[variant].map(RoutingFormat.ratio) ?? "n/a",
                Format.milliseconds(Double(summary.latency.value(atQuantile: 0.5))),
                Format.milliseconds(Double(summary.latency.value(atQuantile: 0.99))),
                summary.cpu.map { RoutingFormat.microseconds($0 * 1e9) } ?? "n/a", cpuDelta, String(summary.errors),
            ])
        }

        var lines: [String] = []
        if let base, let rules = summaries[.rules], let discriminator = summaries[.discriminator], base.rate > 0 {
            var sentence = "With routing on, the gateway serves \(RoutingFormat.ratio(rules.rate / base.rate)) of its direct throughput with six rules "
                + "and \(RoutingFormat.ratio(discriminator.rate / base.rate)) with six rules and the discriminator "
                + "(\(Format.rate(base.rate)) → \(Format.rate(rules.rate)) and \(Format.rate(discriminator.rate)) req/s; "
                + "median of the per-round ratios \(pairedRatios[.rules].map(RoutingFormat.ratio) ?? "n/a") and "
                + "\(pairedRatios[.discriminator].map(RoutingFormat.ratio) ?? "n/a"))"
            if let baseCPU = base.cpu, let rulesCPU = rules.cpu, let discriminatorCPU = discriminator.cpu {
                sentence += String(
                    format: "; its CPU per request changes by %+.2f µs and %+.2f µs", (rulesCPU - baseCPU) * 1e6,
                    (discriminatorCPU - baseCPU) * 1e6)
            }
            lines.append(sentence + ".")
        }
        lines.append(
            "`sluice serve` (ledger off) in front of one zero-latency mock; the variants measured in turn for \(rounds) rounds "
                + "(the order rotating: a, b, c; b, c, a; c, a, b; …), each run on a fresh process warmed up for 1 s, "
                + "then \(durationSeconds) s at \(connections) keep-alive connections, closed loop, "
                + "non-streaming; the request is the 3-turn chat, only its `model` differs. \"routed as\" is `x-sluice-model` (`x-sluice-route-reason`) of a probe request. "
                + "Means over rounds; p50/p99 over all rounds' requests.")
        if let decisions, let baseCPU = base?.cpu, baseCPU > 0 {
            let p50 = { (row: String) -> Double in
                Double(decisions.timings.first { $0.name == row }?.histogram.value(atQuantile: 0.5) ?? 0)
            }
            let rules = p50(RoutingDecisionBench.Row.rules)
            let full = p50(RoutingDecisionBench.Row.fullChat)
            lines.append(
                "Expected from part 1: deciding this request takes \(RoutingFormat.microseconds(rules)) with the rules and "
                    + "\(RoutingFormat.microseconds(full)) with rules and the discriminator (p50, in process), "
                    + "\(RoutingFormat.percent(rules / (baseCPU * 1e9))) and \(RoutingFormat.percent(full / (baseCPU * 1e9))) "
                    + "of the \(RoutingFormat.microseconds(baseCPU * 1e9)) of CPU the gateway spends on a request with routing off.")
        }
        let directRates = figures.measurements.filter { $0.variant == .direct }.map(\.result.requestsPerSecond)
        if let low = directRates.min(), let high = directRates.max(), low > 0, directRates.count > 1 {
            lines.append(
                "Noise: the direct variant alone ranged from \(Format.rate(low)) to \(Format.rate(high)) req/s across rounds "
                    + "(\(RoutingFormat.percent(high / low - 1)) apart); a difference between variants smaller than that is not a measured effect.")
        }
        return Section(title: "3. Routing overhead: throughput with routing on and off", tables: [table, perRound], lines: lines)
    }

    /// Per variant, the median over rounds of its throughput divided by the direct variant's in the same round.
    private static func medianRoundRatios(_ measurements: [RoutingOverhead.Measurement]) -> [RoutingOverhead.Variant: Double] {
        var direct: [Int: Double] = [:]
        for measurement in measurements where measurement.variant == .direct {
            direct[measurement.round] = measurement.result.requestsPerSecond
        }
        var ratios: [RoutingOverhead.Variant: [Double]] = [:]
        for measurement in measurements {
            guard let base = direct[measurement.round], base > 0 else { continue }
            ratios[measurement.variant, default: []].append(measurement.result.requestsPerSecond / base)
        }
        return ratios.mapValues { values in
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }
}
