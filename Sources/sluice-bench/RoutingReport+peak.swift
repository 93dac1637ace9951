import Foundation

extension RoutingReport {
    /// Part 2: the peak scenario, per run and tier.
    static func peakSection(
        _ figures: RoutingPeakScenario.Figures, capacity: Int, latencyNanoseconds: Double, durationSeconds: Int
    ) -> Section {
        var table = TextTable(header: [
            "run", "tier", "connections", "requests", "200", "429", "other", "success", "p50 of 200s", "p99 of 200s",
            "429 after (p50)", "downgraded",
        ])
        let runs = [figures.baseline, figures.shed, figures.downgrade]
        for run in runs {
            for tier in run.tiers {
                let tally = tier.tally
                table.add([
                    run.name, tier.tier, String(tier.connections), RoutingFormat.count(tally.requests), RoutingFormat.count(tally.ok),
                    RoutingFormat.count(tally.shed), RoutingFormat.count(tally.otherStatus + tally.broken),
                    RoutingFormat.percent(tally.successRate),
                    tally.ok > 0 ? RoutingFormat.milliseconds(Double(tally.latency.value(atQuantile: 0.5))) : "-",
                    tally.ok > 0 ? RoutingFormat.milliseconds(Double(tally.latency.value(atQuantile: 0.99))) : "-",
                    tally.shed > 0 ? RoutingFormat.milliseconds(Double(tally.shedLatency.value(atQuantile: 0.5))) : "-",
                    RoutingFormat.count(tally.downgraded),
                ])
            }
        }

        let seconds = Double(durationSeconds)
        let ceiling = Double(capacity) / (latencyNanoseconds / 1e9)
        var served = TextTable(header: [
            "run", "`mock` answered", "`mock` req/s in the \(durationSeconds) s", "`mock` ceiling (capacity / latency)", "`cheap` answered",
        ])
        for run in runs {
            served.add([
                run.name, RoutingFormat.count(run.mockAnswered), Format.rate(Double(run.mockAnsweredInWindow) / seconds),
                Format.rate(ceiling), RoutingFormat.count(run.cheapAnswered),
            ])
        }

        var lines: [String] = []
        let basePaid = figures.baseline.tier("paid")?.tally ?? RoutingTally()
        let shedPaid = figures.shed.tier("paid")?.tally ?? RoutingTally()
        let shedFree = figures.shed.tier("free")?.tally ?? RoutingTally()
        let downPaid = figures.downgrade.tier("paid")?.tally ?? RoutingTally()
        let downFree = figures.downgrade.tier("free")?.tally ?? RoutingTally()
        func p99(_ tally: RoutingTally) -> String {
            tally.ok > 0 ? RoutingFormat.milliseconds(Double(tally.latency.value(atQuantile: 0.99))) : "-"
        }
        lines.append(
            "At a 3× peak, paid requests succeeded \(RoutingFormat.percent(shedPaid.successRate)) with p99 \(p99(shedPaid)) "
                + "(normal load: \(RoutingFormat.percent(basePaid.successRate)), p99 \(p99(basePaid))), while free requests succeeded "
                + "\(RoutingFormat.percent(shedFree.successRate)); \(RoutingFormat.count(shedFree.shed)) were shed with 429"
                + (shedFree.shed > 0 ? ", typically after \(RoutingFormat.milliseconds(Double(shedFree.shedLatency.value(atQuantile: 0.5)))) in the queue." : "."))
        let share = downFree.ok == 0 ? 0 : Double(downFree.downgraded) / Double(downFree.ok)
        lines.append(
            "With `on_overload: {downgrade: cheap}`, free requests succeeded \(RoutingFormat.percent(downFree.successRate)) "
                + "(p99 \(p99(downFree))); \(RoutingFormat.count(downFree.downgraded)) of their \(RoutingFormat.count(downFree.ok)) answers "
                + "(\(RoutingFormat.percent(share))) came from `cheap` with `x-sluice-downgraded`, and `cheap` itself counted "
                + "\(RoutingFormat.count(figures.downgrade.cheapAnswered)) requests. Paid: \(RoutingFormat.percent(downPaid.successRate)), p99 \(p99(downPaid)).")
        lines.append(
            "Setup: mock upstreams answer after a fixed \(RoutingFormat.milliseconds(latencyNanoseconds)) (an event-loop timer); "
                + "model `mock` has `capacity: \(capacity)` (queue of \(2 * capacity)), `cheap` none. Tiers: paid priority 10, queue_timeout 5 s; "
                + "free priority 0, queue_timeout 1 s, max_share 0.5. `routing.trust_tier_header: true`; each request states its tier in "
                + "`x-sluice-tier`; ledger off. Each run is \(durationSeconds) s on a fresh `sluice serve` after a 1 s warm-up; the request is the 3-turn chat.")
        lines.append(
            "Load: paced closed loops, each connection sending at most one request per \(RoutingFormat.milliseconds(latencyNanoseconds)), "
                + "so \(capacity) connections offer what `mock` can serve (normal load) and \(3 * capacity) offer 3× that, "
                + "even when requests are turned away at once. A 429's time is from sending to the refusal. "
                + "\"other\" counts other statuses and connections lost.")
        return Section(title: "2. Peak: 3× overload, paid against free", tables: [table, served], lines: lines)
    }
}
