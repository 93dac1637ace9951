import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `sluice-bench ledger`: what keys, limits, budgets and the usage ledger cost the gateway.
///
/// Against one mock upstream it runs `sluice serve` with the ledger off (no auth), with the full ledger
/// on SQLite, and with it on PostgreSQL, each a fresh process and store, in turn for several rounds so
/// the machine's noise shows. Each run measures non-streaming throughput at N connections (and Sluice's
/// CPU per request) and latency at one connection; after each ledger-on run it checks that the ledger
/// holds exactly one usage row per 200 the load generator counted.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Measure gateway throughput with auth, limits, budgets and the ledger on (SQLite, PostgreSQL) against all off."
    )

    @Option(help: "Keep-alive connections for the throughput run.")
    var connections: Int = 32

    @Option(help: "Seconds each throughput run lasts.")
    var duration: Int = 8

    @Option(help: "Requests in each one-connection latency run.")
    var latencyRequests: Int = 2000

    @Option(help: "How many times to run the variants in turn.")
    var rounds: Int = 2

    @Option(
        parsing: .upToNextOption,
        help: "Variants to run, in this order each round: off, sqlite, postgres; for splitting the cost also sqlite-record (no auth: cost and usage row only) and sqlite-key (a key without limits or budget).")
    var variants: [LedgerVariant] = LedgerVariant.standard

    @Option(help: "The ledger's group-commit delay (`ledger.commit_delay_ms`) for the ledger-on variants (PostgreSQL; SQLite journals instead). Default: the server's own (2).")
    var commitDelayMs: Double?

    @Option(help: "PostgreSQL URL for the postgres variant; the user must be allowed to CREATE DATABASE (a fresh one per run). Default: start `scripts/postgres-test-server`.")
    var postgresURL: String?

    func validate() throws {
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        guard duration >= 1 else { throw ValidationError("--duration must be at least 1 second") }
        guard latencyRequests >= 10 else { throw ValidationError("--latency-requests must be at least 10") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard !variants.isEmpty else { throw ValidationError("--variants needs at least one of off, sqlite, postgres") }
        if let commitDelayMs, !(0...1000).contains(commitDelayMs) {
            throw ValidationError("--commit-delay-ms must be between 0 and 1000")
        }
    }

    func run() async throws {
        let report = try await BenchRun.measure(named: "sluice-bench-ledger", measure)
        if report.runs.contains(where: { $0.check?.passed == false }) {
            throw BenchError("the ledger check failed for at least one run (see the table above)")
        }
    }

    private func measure(
        directory: URL, mockGroup: MultiThreadedEventLoopGroup, loadGroup: MultiThreadedEventLoopGroup
    ) async throws -> LedgerReport {
        let loadBefore = GatewayReport.loadAverageNow()
        var order = variants
        var skipped: [(LedgerVariant, String)] = []
        var postgres: PostgresServer?
        if order.contains(.postgres) {
            do {
                postgres = try await PostgresServer.resolve(url: postgresURL)
            } catch {
                Self.progress("postgres skipped: \(error)")
                skipped.append((.postgres, "\(error)"))
                order.removeAll { $0 == .postgres }
            }
        }
        let mock = try await MockUpstream.start(group: mockGroup)
        var runs: [LedgerRunFigures] = []
        do {
            for round in 1...rounds {
                for variant in order {
                    runs.append(try await measureRun(
                        variant: variant, round: round, upstreamPort: mock.port, directory: directory, group: loadGroup,
                        postgres: postgres))
                }
            }
        } catch {
            try? await mock.stop()
            throw error
        }
        try await mock.stop()
        return LedgerReport(
            settings: .init(
                connections: connections, durationSeconds: duration, latencyRequests: latencyRequests, rounds: rounds,
                command: CommandLine.arguments.joined(separator: " ")),
            runs: runs, skipped: skipped, postgresOrigin: postgres?.origin,
            loadAverage: (before: loadBefore, after: GatewayReport.loadAverageNow()))
    }

    /// One variant, once: start a fresh server, warm up, measure, stop, check the ledger.
    private func measureRun(
        variant: LedgerVariant, round: Int, upstreamPort: Int, directory: URL, group: any EventLoopGroup,
        postgres: PostgresServer?
    ) async throws -> LedgerRunFigures {
        let label = "r\(round)_\(variant.rawValue)"
        Self.progress("\(label): starting sluice")
        let target = try await LedgerServer.start(
            variant: variant, label: label, upstreamPort: upstreamPort, directory: directory, group: group, postgres: postgres,
            commitDelayMs: commitDelayMs)
        var figures: LedgerRunFigures
        do {
            figures = try await load(target, round: round, group: group)
        } catch {
            await target.served.child?.stop()
            if let database = target.database { await postgres?.dropDatabase(database) }
            throw error
        }
        await target.served.child?.stop()
        if variant.ledgerOn {
            do {
                let totals = try await LedgerServer.usageByKey(of: target)
                figures.check = LedgerCheck(
                    totals: totals, keyID: target.keyID, responses200: figures.responses200, loadErrors: figures.errors,
                    costPerRequest: LedgerServer.costNanosPerRequest)
            } catch {
                if let database = target.database { await postgres?.dropDatabase(database) }
                throw error
            }
            Self.progress("\(label): \(figures.check?.summary ?? "")")
        }
        if let database = target.database { await postgres?.dropDatabase(database) }
        if variant != .off && variant != .postgres {
            let base = directory.appendingPathComponent("ledger-\(label).sqlite").path
            for suffix in ["", "-wal", "-shm", "-usagelog-0", "-usagelog-1"] {
                try? FileManager.default.removeItem(atPath: base + suffix)
            }
        }
        Self.progress(String(
            format: "%@: %.0f req/s, %@ CPU/req", label, figures.throughput.requestsPerSecond,
            figures.totalCPUPerRequest.map(Format.microseconds) ?? "n/a"))
        return figures
    }

    /// The load of one run: warm-up, throughput at N connections (with CPU), latency at one.
    private func load(_ target: LedgerTarget, round: Int, group: any EventLoopGroup) async throws -> LedgerRunFigures {
        let port = target.served.port
        let request = LoadRequest.chat(stream: false, host: "127.0.0.1", port: port, bearer: target.bearer)
        let generator = LoadGenerator(group: group, host: "127.0.0.1", port: port)
        let label = "r\(round)_\(target.variant.rawValue)"

        Self.progress("\(label): warming up")
        var warmup = try await generator.run(request, plan: LoadPlan(connections: connections, stop: .duration(.seconds(1))))
        warmup.merge(try await generator.run(request, plan: LoadPlan(connections: 1, stop: .requestsPerConnection(200))))

        Self.progress("\(label): non-streaming, \(connections) connections, \(duration) s")
        let database = target.database?.name
        let databaseBefore = database.map(PostgresServer.backendCPU(database:))
        let before = target.served.stats()
        let benchBefore = ProcessStats.read()
        let machineBefore = MachineCPU.read()
        let throughput = try await generator.run(
            request, plan: LoadPlan(connections: connections, stop: .duration(.seconds(Int64(duration)))))
        let machineAfter = MachineCPU.read()
        let benchAfter = ProcessStats.read()
        let after = target.served.stats()
        let databaseAfter = database.map(PostgresServer.backendCPU(database:))
        var sluiceCPU: Double?
        var databaseCPU: Double?
        var benchCPU: Double?
        if throughput.completed > 0 {
            if let benchBefore, let benchAfter {
                benchCPU = (benchAfter.cpuSeconds - benchBefore.cpuSeconds) / Double(throughput.completed)
            }
            if let before, let after {
                sluiceCPU = (after.cpuSeconds - before.cpuSeconds) / Double(throughput.completed)
            }
            if let databaseBefore, let databaseAfter {
                databaseCPU = PostgresServer.cpuSpent(before: databaseBefore, after: databaseAfter) / Double(throughput.completed)
            }
        }

        Self.progress("\(label): non-streaming, 1 connection, \(latencyRequests) requests")
        let latency = try await generator.run(request, plan: LoadPlan(connections: 1, stop: .requestsPerConnection(latencyRequests)))

        return LedgerRunFigures(
            variant: target.variant, round: round, warmup: warmup, throughput: throughput, latency: latency,
            sluiceCPUPerRequest: sluiceCPU, databaseCPUPerRequest: databaseCPU, benchCPUPerRequest: benchCPU,
            machineBusy: MachineCPU.busyFraction(from: machineBefore, to: machineAfter),
            peakResidentBytes: target.served.stats()?.peakResidentBytes, check: nil)
    }

    private static func progress(_ line: String) {
        var standardError = StandardError()
        print("• \(line)", to: &standardError)
    }
}
