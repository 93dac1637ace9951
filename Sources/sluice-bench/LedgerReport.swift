import Foundation
import SluiceLedger

/// The ledger's own record of one run set against what the load generator saw.
struct LedgerCheck: Sendable {
    /// 200 responses the load generator counted against this server (warm-up included).
    var responses200: UInt64
    /// Non-200 responses and broken connections the load generator counted.
    var loadErrors: UInt64
    /// Usage rows (requests) the ledger holds for the bench key.
    var recorded: Int
    /// Of those, rows with a status of 400 or more.
    var recordedErrors: Int
    /// The ledger's total cost for the bench key, and what 200s × the per-request cost comes to.
    var costNanos: Int64
    var expectedCostNanos: Int64
    /// Rows under other groups than the bench key (requests without a key, say).
    var strayRows: Int

    init(totals: [UsageTotal], keyID: String?, responses200: UInt64, loadErrors: UInt64, costPerRequest: Int64) {
        let mine = totals.filter { keyID == nil || $0.group == keyID }
        self.responses200 = responses200
        self.loadErrors = loadErrors
        recorded = mine.reduce(0) { $0 + $1.requests }
        recordedErrors = mine.reduce(0) { $0 + $1.errors }
        costNanos = mine.reduce(0) { $0 + $1.cost.nanos }
        expectedCostNanos = Int64(responses200) * costPerRequest
        strayRows = totals.filter { keyID != nil && $0.group != keyID }.reduce(0) { $0 + $1.requests }
    }

    var passed: Bool {
        UInt64(recorded) == responses200 && recordedErrors == 0 && loadErrors == 0 && costNanos == expectedCostNanos
            && strayRows == 0
    }

    /// `ok: 41,212 rows = 41,212 200s; cost exact` or what differs.
    var summary: String {
        var problems: [String] = []
        if UInt64(recorded) != responses200 {
            problems.append("\(Format.rate(Double(recorded))) rows ≠ \(Format.rate(Double(responses200))) 200s")
        }
        if recordedErrors != 0 { problems.append("\(recordedErrors) error rows") }
        if loadErrors != 0 { problems.append("\(loadErrors) non-200/broken") }
        if costNanos != expectedCostNanos {
            problems.append("cost \(Money(nanos: costNanos, currency: .usd)) ≠ \(Money(nanos: expectedCostNanos, currency: .usd))")
        }
        if strayRows != 0 { problems.append("\(strayRows) rows under other keys") }
        if problems.isEmpty {
            return "ok: \(Format.rate(Double(recorded))) rows = 200s, cost exact"
        }
        return "FAILED: " + problems.joined(separator: "; ")
    }
}

/// Everything measured in one run of one variant (a fresh `sluice serve`).
struct LedgerRunFigures: Sendable {
    let variant: LedgerVariant
    let round: Int
    /// Warm-up at N connections and at one connection (counted for the ledger check only).
    var warmup: LoadResult
    /// Non-streaming at N connections, for the duration.
    var throughput: LoadResult
    /// Non-streaming at one connection, a fixed number of requests.
    var latency: LoadResult
    /// CPU seconds Sluice's process spent per completed request in the throughput run.
    var sluiceCPUPerRequest: Double?
    /// CPU seconds PostgreSQL's backends for this run's database spent per completed request.
    var databaseCPUPerRequest: Double?
    /// CPU seconds the bench process (mock upstream and load generator) spent per completed request.
    var benchCPUPerRequest: Double?
    /// How busy all the machine's cores were during the throughput run (0...1), whoever used them.
    var machineBusy: Double?
    var peakResidentBytes: UInt64?
    /// The ledger check (nil with the ledger off).
    var check: LedgerCheck?

    var responses200: UInt64 { warmup.completed + throughput.completed + latency.completed }
    var errors: UInt64 { warmup.errors + throughput.errors + latency.errors }
    /// Sluice's CPU plus, for PostgreSQL, its backends'.
    var totalCPUPerRequest: Double? {
        sluiceCPUPerRequest.map { $0 + (databaseCPUPerRequest ?? 0) }
    }
}

/// The ledger benchmark's results: every run, then each variant's averages against `off`.
struct LedgerReport: Sendable, BenchReport {
    struct Settings: Sendable {
        var connections: Int
        var durationSeconds: Int
        var latencyRequests: Int
        var rounds: Int
        var command: String
    }

    /// The goal: the full ledger on SQLite costs under this fraction of `off`'s throughput.
    static let sqliteLossGoal = 0.15

    let settings: Settings
    let runs: [LedgerRunFigures]
    /// Variants that were asked for but not run, and why.
    let skipped: [(LedgerVariant, String)]
    let postgresOrigin: String?
    let loadAverage: (before: String, after: String)

    private func runs(of variant: LedgerVariant) -> [LedgerRunFigures] { runs.filter { $0.variant == variant } }

    private static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    private func meanRate(_ variant: LedgerVariant) -> Double? {
        Self.mean(runs(of: variant).map(\.throughput.requestsPerSecond))
    }

    private func meanCPU(_ variant: LedgerVariant, _ figure: (LedgerRunFigures) -> Double?) -> Double? {
        Self.mean(runs(of: variant).compactMap(figure))
    }

    /// `-12.3%` (negative is a loss), relative to `off`'s mean.
    private func change(_ value: Double, base: Double?) -> String {
        guard let base, base > 0 else { return "n/a" }
        return String(format: "%+.1f%%", (value / base - 1) * 100)
    }

    /// Every run in the order it ran.
    var runsTable: TextTable {
        var table = TextTable(header: [
            "run", "variant", "req/s (\(settings.connections) conn)", "vs off mean", "Sluice CPU/req", "DB CPU/req",
            "bench CPU/req", "cores busy", "p50 1 conn", "p99 1 conn", "p99 \(settings.connections) conn", "errors", "ledger check",
        ])
        let offRate = meanRate(.off)
        for (index, run) in runs.enumerated() {
            let rate = run.throughput.requestsPerSecond
            table.add([
                "\(index + 1)", run.variant.rawValue, Format.rate(rate),
                change(rate, base: offRate),
                run.sluiceCPUPerRequest.map(Format.microseconds) ?? "n/a",
                run.databaseCPUPerRequest.map(Format.microseconds) ?? "",
                run.benchCPUPerRequest.map(Format.microseconds) ?? "n/a",
                run.machineBusy.map { String(format: "%.0f%%", $0 * 100) } ?? "n/a",
                Format.milliseconds(Double(run.latency.latency.value(atQuantile: 0.5))),
                Format.milliseconds(Double(run.latency.latency.value(atQuantile: 0.99))),
                Format.milliseconds(Double(run.throughput.latency.value(atQuantile: 0.99))),
                String(run.errors),
                run.check?.summary ?? "(ledger off)",
            ])
        }
        return table
    }

    /// Each variant's mean over its runs, against `off`.
    var summaryTable: TextTable {
        var table = TextTable(header: [
            "variant", "runs", "req/s mean (min–max)", "throughput vs off", "CPU/req (Sluice + DB)", "CPU/req vs off",
            "p50 / p99 1 conn", "peak RSS", "ledger checks", "goal", "result",
        ])
        let offRate = meanRate(.off)
        let offCPU = meanCPU(.off, \.totalCPUPerRequest)
        for variant in LedgerVariant.allCases {
            let mine = runs(of: variant)
            guard !mine.isEmpty, let rate = meanRate(variant) else { continue }
            let rates = mine.map(\.throughput.requestsPerSecond)
            var latency = LatencyHistogram()
            for run in mine { latency.merge(run.latency.latency) }
            let cpu = meanCPU(variant, \.totalCPUPerRequest)
            let sluiceCPU = meanCPU(variant, \.sluiceCPUPerRequest)
            let databaseCPU = meanCPU(variant, \.databaseCPUPerRequest)
            var cpuText = cpu.map(Format.microseconds) ?? "n/a"
            if let sluiceCPU, let databaseCPU {
                cpuText += " (\(Format.microseconds(sluiceCPU)) + \(Format.microseconds(databaseCPU)))"
            }
            var cpuChange = ""
            if variant != .off, let cpu, let offCPU {
                cpuChange = "+\(Format.microseconds(cpu - offCPU)) (\(change(cpu, base: offCPU)))"
            }
            let checks = mine.compactMap(\.check)
            let checkText = variant == .off ? "" : "\(checks.filter(\.passed).count)/\(mine.count) ok"
            let peak = mine.compactMap(\.peakResidentBytes).max()
            var goal = ""
            var result = ""
            if variant == .sqlite, let offRate, offRate > 0 {
                let loss = 1 - rate / offRate
                goal = "loss < \(Int(Self.sqliteLossGoal * 100))%"
                result = loss < Self.sqliteLossGoal ? "PASS" : "MISS"
                result += String(format: " (%.1f%% loss)", loss * 100)
            }
            table.add([
                variant.rawValue, String(mine.count),
                "\(Format.rate(rate)) (\(Format.rate(rates.min() ?? 0))–\(Format.rate(rates.max() ?? 0)))",
                variant == .off ? "" : change(rate, base: offRate),
                cpuText, cpuChange,
                "\(Format.milliseconds(Double(latency.value(atQuantile: 0.5)))) / \(Format.milliseconds(Double(latency.value(atQuantile: 0.99))))",
                peak.map(Format.megabytes) ?? "n/a", checkText, goal, result,
            ])
        }
        return table
    }

    var notes: [String] {
        var notes = [
            "machine: \(GatewayReport.machine()); mock upstream and load generator in the bench process (one event loop thread each); each run a fresh `sluice serve` child process (log level warning). All share the same cores.",
            "each run: 1 s warm-up at \(settings.connections) connections and 200 requests at 1, then non-streaming at \(settings.connections) keep-alive connections for \(settings.durationSeconds) s (closed loop), then \(settings.latencyRequests) requests at 1 connection; \(settings.rounds) round(s) of the variants in turn.",
            "off: `ledger: {store: off}`, no auth. sqlite / postgres: a fresh ledger (new SQLite file / new database), `auth.admin_key` set so /v1 needs a virtual key, model priced (input \(LedgerServer.inputPrice), output \(LedgerServer.outputPrice) USD per 1M tokens), one key made with `sluice keys create --rpm \(LedgerServer.rpm) --tpm \(LedgerServer.tpm) --budget '\(LedgerServer.budget)'`: every request does the key look-up, rate-limit admit and settle, budget reserve and settle, cost, and a usage row made durable before its response ends (SQLite: journaled; PostgreSQL: group-committed).",
            "ledger check: after the server stops, `sluice usage --group-by key --json` must hold exactly one row per 200 the load generator counted (warm-up included), no error rows, and cost = 200s × \(Money(nanos: LedgerServer.costNanosPerRequest, currency: .usd)).",
            "CPU/req: user + system CPU of the `sluice serve` process during the throughput run ÷ its 200s; for postgres, plus the PostgreSQL backends connected to the run's database (not the server's shared background processes). bench CPU/req: the mock upstream and load generator. cores busy: all cores of the machine during the throughput run (/proc/stat), other sessions' work included.",
        ]
        if runs.contains(where: { $0.variant == .sqliteRecord }) {
            notes.append("sqlite-record: the SQLite ledger and the priced model but no auth: anonymous requests, so only the cost, the `x-sluice-cost` header and the usage row (no key look-up, limits or budget).")
        }
        if runs.contains(where: { $0.variant == .sqliteKey }) {
            notes.append("sqlite-key: as sqlite, but the key has no RPM, TPM or budget: key look-up, cost and the usage row (no rate limiting or budget reservation).")
        }
        if let postgresOrigin { notes.append("PostgreSQL: \(postgresOrigin); a fresh database per run, dropped afterwards.") }
        for (variant, reason) in skipped { notes.append("\(variant.rawValue) skipped: \(reason)") }
        notes.append("load average (1, 5, 15 min) before: \(loadAverage.before); after: \(loadAverage.after).")
        return notes
    }

    var text: String {
        ["Sluice ledger benchmark", "All runs:", runsTable.aligned, "By variant (means over runs):", summaryTable.aligned,
         notes.map { "- " + $0 }.joined(separator: "\n")].joined(separator: "\n\n")
    }

    var markdown: String {
        let date = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate])
        return ["Measured \(date) with `\(settings.command)`.", summaryTable.markdown, "All runs, in order:", runsTable.markdown,
                notes.map { "- " + $0 }.joined(separator: "\n")].joined(separator: "\n\n")
    }
}
