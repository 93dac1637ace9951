import Foundation

/// A database made for one ledger-bench run, dropped afterwards.
struct PostgresDatabase: Sendable {
    let name: String
    /// The server's URL with this database in its path.
    let url: String
}

/// The PostgreSQL server the `postgres` variant writes to: the one `--postgres-url` names, or the
/// throwaway server `scripts/postgres-test-server` starts (or reuses). Each run gets a fresh database,
/// so rows of earlier runs do not skew it.
struct PostgresServer: Sendable {
    /// A URL the bench connects to for `CREATE DATABASE` / `DROP DATABASE` (any existing database).
    let adminURL: String
    /// `psql`.
    let psql: String
    /// Where the URL came from, for the report.
    let origin: String

    /// Uses `url` when given; otherwise runs `scripts/postgres-test-server` (found from the working
    /// directory or above the bench binary) and uses the URL it prints.
    static func resolve(url: String?) async throws -> PostgresServer {
        let versioned = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin" }
        guard let psql = ToolRun.locate("psql", extraDirectories: versioned) else {
            throw BenchError("no `psql` on PATH (Debian: apt-get install postgresql-client)")
        }
        if let url {
            return PostgresServer(adminURL: url, psql: psql, origin: "--postgres-url")
        }
        guard let script = locateScript() else {
            throw BenchError("no --postgres-url and no scripts/postgres-test-server found from \(FileManager.default.currentDirectoryPath)")
        }
        progress("postgres: \(script)")
        let output = try await ToolRun.run(script, ["start"])
        let printed = output.stdout.split(separator: "\n").last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        guard output.status == 0, printed.hasPrefix("postgres://") || printed.hasPrefix("postgresql://") else {
            throw BenchError("\(script) failed (status \(output.status)): \(output.stderr.suffix(1000))")
        }
        return PostgresServer(adminURL: printed, psql: psql, origin: "scripts/postgres-test-server (fsync off, synchronous_commit off)")
    }

    /// `scripts/postgres-test-server` in the working directory or a directory above the bench binary.
    static func locateScript() -> String? {
        var candidates = [FileManager.default.currentDirectoryPath]
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.deletingLastPathComponent()
        while directory.path != "/" {
            candidates.append(directory.path)
            directory.deleteLastPathComponent()
        }
        return candidates.map { ($0 as NSString).appendingPathComponent("scripts/postgres-test-server") }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Creates database `name` (dropping any left over under that name) and returns its URL.
    func createDatabase(named name: String) async throws -> PostgresDatabase {
        try await execute("DROP DATABASE IF EXISTS \(name)")
        try await execute("CREATE DATABASE \(name)")
        guard var components = URLComponents(string: adminURL) else { throw BenchError("cannot parse the PostgreSQL URL") }
        components.path = "/" + name
        guard let url = components.string else { throw BenchError("cannot build a PostgreSQL URL for \(name)") }
        return PostgresDatabase(name: name, url: url)
    }

    /// Drops a run's database (its connections must be closed: the server has stopped by then).
    func dropDatabase(_ database: PostgresDatabase) async {
        do {
            try await execute("DROP DATABASE IF EXISTS \(database.name)")
        } catch {
            Self.progress("postgres: could not drop \(database.name): \(error)")
        }
    }

    private func execute(_ sql: String) async throws {
        let output = try await ToolRun.run(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", adminURL, "-c", sql])
        guard output.status == 0 else {
            throw BenchError("psql `\(sql)` failed (status \(output.status)): \(output.stderr)")
        }
    }

    /// CPU seconds of each server backend connected to `database`, by pid: the processes whose title
    /// (`postgres: USER DATABASE HOST(PORT) STATE`) names it. Other sessions may use the same server, so
    /// only these backends are counted (not the server's shared background processes).
    static func backendCPU(database: String) -> [Int32: Double] {
        var result: [Int32: Double] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty
            else { continue }
            let title = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            guard title.hasPrefix("postgres:"), title.contains(" \(database) ") else { continue }
            if let stats = ProcessStats.read(pid: pid) { result[pid] = stats.cpuSeconds }
        }
        return result
    }

    /// CPU seconds the backends spent between two ``backendCPU(database:)`` readings (a backend that
    /// appeared in between counts from zero).
    static func cpuSpent(before: [Int32: Double], after: [Int32: Double]) -> Double {
        after.reduce(0) { sum, entry in sum + max(0, entry.value - (before[entry.key] ?? 0)) }
    }

    private static func progress(_ line: String) {
        var standardError = StandardError()
        print("• \(line)", to: &standardError)
    }
}
