import ArgumentParser
import Foundation
import NIOCore
import SluiceLedger

/// What the ledger bench runs Sluice with.
enum LedgerVariant: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// `ledger: {store: off}`, no auth: the core request path, as `sluice-bench gateway` measures it.
    case off
    /// A fresh SQLite ledger, `auth.admin_key` set, the model priced, the key limited and budgeted.
    case sqlite
    /// The same on a fresh PostgreSQL database.
    case postgres
    /// For splitting the cost: a fresh SQLite ledger and a priced model, but no auth, so requests are
    /// anonymous: cost and the usage row only (no key look-up, limits or budget).
    case sqliteRecord = "sqlite-record"
    /// For splitting the cost: as `sqlite`, but the key has no RPM, TPM or budget (key look-up, cost and
    /// the usage row; no rate limiting or budget reservation).
    case sqliteKey = "sqlite-key"

    /// What runs unless `--variants` says otherwise.
    static let standard: [LedgerVariant] = [.off, .sqlite, .postgres]

    /// Whether /v1 needs a virtual key (`auth.admin_key` set) and the load sends one.
    var authenticated: Bool { self == .sqlite || self == .postgres || self == .sqliteKey }
    /// Whether the key has RPM, TPM and a budget.
    var limited: Bool { self == .sqlite || self == .postgres }
    /// Whether a ledger store is on.
    var ledgerOn: Bool { self != .off }
}

/// A `sluice serve` process started for one ledger-bench run, with what the load needs to reach it.
struct LedgerTarget {
    let variant: LedgerVariant
    let served: ServedTarget
    let configPath: String
    /// The environment the config's `env:` references resolve in (also needed by `sluice usage`).
    let environment: [String: String]
    /// The bearer key the load sends: the virtual key's secret, or ``BenchKey/value`` with the ledger off.
    let bearer: String
    /// The virtual key's id (`key_…`), when there is one.
    let keyID: String?
    /// The PostgreSQL database made for this run.
    let database: PostgresDatabase?
}

/// Starting Sluice for the ledger bench: a config per variant, a virtual key made with
/// `sluice keys create` before the server starts, and `sluice usage` afterwards to check the ledger.
enum LedgerServer {
    /// Environment variable names the configs refer to.
    static let adminKeyVariable = "SLUICE_BENCH_ADMIN_KEY"
    static let postgresURLVariable = "SLUICE_BENCH_POSTGRES_URL"

    /// Per 1M tokens, in USD: the mock answers 9 prompt and 9 completion tokens, so each request costs
    /// exactly 9 × 1,000 + 9 × 2,000 = 27,000 nanos.
    static let inputPrice = 1
    static let outputPrice = 2
    static let costNanosPerRequest: Int64 = 9 * 1_000 * Int64(inputPrice) + 9 * 1_000 * Int64(outputPrice)

    /// Limits far above anything the run reaches: every request is checked against them, none refused.
    static let rpm = 100_000_000
    static let tpm = 10_000_000_000
    static let budget = "1000000 USD/total"

    /// One admin key per bench process (at least 16 characters, as Sluice requires).
    static let adminKey: String = {
        var generator = SystemRandomNumberGenerator()
        return "sk-bench-admin-" + String(generator.next() as UInt64, radix: 16) + String(generator.next() as UInt64, radix: 16)
    }()

    /// The configuration for a ledger-on variant: `ledgerLines` (indented two spaces) under `ledger:`,
    /// and, when `authenticated`, an admin key (which makes /v1 require virtual keys).
    static func config(ledgerLines: [String], authenticated: Bool, upstreamPort: Int) -> String {
        let auth = authenticated ? "auth:\n  admin_key: env:\(adminKeyVariable)\n" : ""
        return """
        ledger:
        \(ledgerLines.map { "  " + $0 }.joined(separator: "\n"))
        \(auth)models:
          - name: mock
            backend: openai
            model: mock
            base_url: http://127.0.0.1:\(upstreamPort)/v1
            api_key: env:MOCK_KEY
            price: {input: \(inputPrice), output: \(outputPrice), currency: USD}
        """
    }

    /// Writes the variant's config, makes its store and key, starts `sluice serve`, and waits for
    /// `/readyz`. `label` names the run's files and database.
    static func start(
        variant: LedgerVariant, label: String, upstreamPort: Int, directory: URL, group: any EventLoopGroup,
        postgres: PostgresServer?, commitDelayMs: Double? = nil
    ) async throws -> LedgerTarget {
        let executable = SluiceServer.executablePath
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BenchError("no sluice binary at \(executable); build it with `swift build -c release --product sluice`")
        }
        var environment = ["MOCK_KEY": "mock-key", "SLUICE_LOG_LEVEL": "warning"]
        let delayLines = commitDelayMs.map { ["commit_delay_ms: \($0)"] } ?? []
        var database: PostgresDatabase?
        let configText: String
        switch variant {
        case .off:
            configText = SluiceServer.config(upstreamPort: upstreamPort)
        case .sqlite, .sqliteRecord, .sqliteKey:
            let path = directory.appendingPathComponent("ledger-\(label).sqlite").path
            configText = config(
                ledgerLines: ["store: sqlite", "path: \"\(path)\""] + delayLines, authenticated: variant.authenticated, upstreamPort: upstreamPort)
        case .postgres:
            guard let postgres else { throw BenchError("no PostgreSQL server for the postgres variant") }
            let made = try await postgres.createDatabase(named: "sluice_bench_\(getpid())_\(label)")
            database = made
            environment[postgresURLVariable] = made.url
            configText = config(
                ledgerLines: ["store: postgres", "url: env:\(postgresURLVariable)"] + delayLines, authenticated: true, upstreamPort: upstreamPort)
        }
        if variant.authenticated { environment[adminKeyVariable] = adminKey }
        let configPath = directory.appendingPathComponent("sluice-\(label).yaml").path
        try configText.write(toFile: configPath, atomically: true, encoding: .utf8)

        // Anonymous variants send `Authorization: Bearer ` with nothing after it: no key to look up.
        var bearer = variant.ledgerOn ? "" : BenchKey.value
        var keyID: String?
        if variant.authenticated {
            (bearer, keyID) = try await createKey(
                executable: executable, configPath: configPath, environment: environment, limited: variant.limited)
        }

        let port = try await FreePort.find(group: group)
        let child = try ChildProcess(
            name: "sluice (\(variant.rawValue))", executable: executable,
            arguments: ["serve", "--config", configPath, "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"],
            environment: environment,
            logPath: directory.appendingPathComponent("sluice-\(label).log").path)
        do {
            try await Readiness.wait(for: child, port: port, path: "/readyz", group: group, timeout: .seconds(30))
        } catch {
            await child.stop()
            throw error
        }
        return LedgerTarget(
            variant: variant, served: ServedTarget(name: "sluice-\(variant.rawValue)", port: port, child: child),
            configPath: configPath, environment: environment, bearer: bearer, keyID: keyID, database: database)
    }

    /// `sluice keys create`, with RPM, TPM and a budget when `limited`: the secret from standard output,
    /// the id from the `created key_… for …` line on standard error.
    private static func createKey(
        executable: String, configPath: String, environment: [String: String], limited: Bool
    ) async throws -> (secret: String, id: String?) {
        var arguments = ["keys", "create", "--config", configPath, "--owner", "bench"]
        if limited { arguments += ["--rpm", String(rpm), "--tpm", String(tpm), "--budget", budget] }
        let output = try await ToolRun.run(executable, arguments, environment: environment)
        let secret = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard output.status == 0, secret.hasPrefix("sk-"), !secret.contains("\n") else {
            throw BenchError("`sluice keys create` failed (status \(output.status)): \(output.stderr)")
        }
        let id = output.stderr.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("key_") }.map(String.init)
        return (secret, id)
    }

    /// The ledger's totals by key, read with `sluice usage --group-by key --json` (after the server has
    /// stopped, so every record it acknowledged is there).
    static func usageByKey(of target: LedgerTarget) async throws -> [UsageTotal] {
        let output = try await ToolRun.run(
            SluiceServer.executablePath, ["usage", "--config", target.configPath, "--group-by", "key", "--json"],
            environment: target.environment)
        guard output.status == 0 else {
            throw BenchError("`sluice usage` failed (status \(output.status)): \(output.stderr)")
        }
        do {
            return try JSONDecoder().decode([UsageTotal].self, from: Data(output.stdout.utf8))
        } catch {
            throw BenchError("cannot read `sluice usage --json` output (\(error)): \(output.stdout.prefix(500))")
        }
    }
}

/// Running a short-lived tool (`sluice keys`, `sluice usage`, `psql`, the PostgreSQL script) and
/// collecting what it printed.
enum ToolRun {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments`, adding `environment` to the bench's own, and waits for it.
    /// Output goes through temporary files, so a chatty tool cannot block on a full pipe.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-bench-tool-\(UUID().uuidString)")
        let outPath = scratch.appendingPathExtension("out")
        let errPath = scratch.appendingPathExtension("err")
        guard FileManager.default.createFile(atPath: outPath.path, contents: nil),
            FileManager.default.createFile(atPath: errPath.path, contents: nil)
        else { throw BenchError("cannot create temporary files in \(scratch.deletingLastPathComponent().path)") }
        defer {
            try? FileManager.default.removeItem(at: outPath)
            try? FileManager.default.removeItem(at: errPath)
        }
        let outHandle = try FileHandle(forWritingTo: outPath)
        let errHandle = try FileHandle(forWritingTo: errPath)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: BenchError("cannot run \(executable): \(error)"))
            }
        }
        try? outHandle.close()
        try? errHandle.close()
        return Output(
            status: status,
            stdout: (try? String(contentsOf: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errPath, encoding: .utf8)) ?? "")
    }

    /// The first executable named `name` on `PATH`, then in `extraDirectories`.
    static func locate(_ name: String, extraDirectories: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + extraDirectories {
            let candidate = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
