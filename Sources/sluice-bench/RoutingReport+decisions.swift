import Foundation

extension RoutingReport {
    /// The discriminator's goal: each decision takes at most this long at p99, in nanoseconds.
    static let discriminatorGoalP99: Double = 50_000

    /// Part 1: decision time, call by call.
    static func decisionSection(_ figures: RoutingDecisionBench.Figures, decisions: Int) -> Section {
        var table = TextTable(header: ["call", "p50", "p99", "p99.9", "mean", "max", "goal", "outcome"])
        for timing in figures.timings {
            let histogram = timing.histogram
            var goal = ""
            if figures.discriminatorRows.contains(timing.name) {
                let p99 = Double(histogram.value(atQuantile: 0.99))
                goal = "p99 ≤ 50 µs: " + GatewayGoals.verdict(
                    met: p99 <= discriminatorGoalP99, shortBy: RoutingFormat.microseconds(p99 - discriminatorGoalP99))
            }
            table.add([
                timing.name,
                RoutingFormat.microseconds(Double(histogram.value(atQuantile: 0.5))),
                RoutingFormat.microseconds(Double(histogram.value(atQuantile: 0.99))),
                RoutingFormat.microseconds(Double(histogram.value(atQuantile: 0.999))),
                RoutingFormat.microseconds(histogram.mean),
                RoutingFormat.microseconds(Double(histogram.maximum)),
                goal,
                outcome(timing.outcomes),
            ])
        }

        let model = figures.model
        var lines: [String] = []
        let byName = Dictionary(figures.timings.map { ($0.name, $0.histogram) }, uniquingKeysWith: { first, _ in first })
        func p(_ row: String, _ quantile: Double) -> String {
            RoutingFormat.microseconds(Double(byName[row]?.value(atQuantile: quantile) ?? 0))
        }
        typealias Row = RoutingDecisionBench.Row
        let worst = [Row.discriminatorShort, Row.discriminatorLong].map { Double(byName[$0]?.value(atQuantile: 0.99) ?? 0) }.max() ?? 0
        lines.append(
            "Rules alone decide a typical 3-turn chat in \(p(Row.rules, 0.5)) (p99 \(p(Row.rules, 0.99))), of which computing the request's features takes \(p(Row.features, 0.5)); "
                + "the discriminator decides in \(p(Row.discriminatorShort, 0.5)) for a 200-character question and \(p(Row.discriminatorLong, 0.5)) for 2,000 characters "
                + "(p99 \(p(Row.discriminatorShort, 0.99)) and \(p(Row.discriminatorLong, 0.99))): "
                + (worst <= discriminatorGoalP99 ? "within" : "NOT within") + " the 50 µs p99 goal. "
                + "A whole route decision (rules, then the discriminator) takes \(p(Row.fullChat, 0.5)) for the chat (p99 \(p(Row.fullChat, 0.99))).")
        lines.append(
            "Each figure is one call timed on its own with ContinuousClock over \(RoutingFormat.count(decisions)) calls (after a warm-up), "
                + "nothing subtracted: the empty call's \(p(Row.empty, 0.5)) (p50) is the clock's own cost, included in every row.")
        lines.append(
            "Discriminator: trained in process in \(String(format: "%.2f", model.trainingSeconds)) s on \(RoutingFormat.count(model.examples)) synthetic examples "
                + "(SyntheticRoutingSet seed 7, 30% strong target), calibration AUC \(model.auc.map { String(format: "%.3f", $0) } ?? "n/a"), "
                + "threshold \(String(format: "%.3f", model.threshold)), \(RoutingFormat.count(model.nonzeroWeights)) nonzero weights, "
                + "file \(RoutingFormat.count(model.fileBytes / 1024)) KB. In the route rows it sits behind the gateway's ReloadingDiscriminator, as in `sluice serve`.")
        lines.append(
            "Rules: the six of the overhead runs (long-context, free-long-chat, vision, structured-tools, paid-reasoning, chinese), read by the gateway's YAML reader; the caller is tier `paid`, so every rule is tested and none matches.")
        return Section(title: "1. Decision time (in process)", tables: [table], lines: lines)
    }

    /// `mock (all)` or `weak 72.0%, strong 28.0%`; empty for the empty call.
    private static func outcome(_ outcomes: [String: Int]) -> String {
        let total = outcomes.values.reduce(0, +)
        guard total > 0, Set(outcomes.keys) != ["-"] else { return "" }
        if outcomes.count == 1, let only = outcomes.keys.first { return "\(only) (all)" }
        return outcomes.sorted { $0.value > $1.value }
            .map { "\($0.key) \(RoutingFormat.percent(Double($0.value) / Double(total)))" }
            .joined(separator: ", ")
    }
}
