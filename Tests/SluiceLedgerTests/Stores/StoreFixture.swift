import Foundation
import Logging
import Testing
@testable import SluiceLedger

/// The stores the conformance suite runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }
}

/// Why a store could not be set up for a test.
struct StoreTestSetupError: Error, CustomStringConvertible {
    var description: String
}

/// A database of a test's own: a fresh SQLite file in a temporary directory, or a fresh schema in the
/// PostgreSQL database named by `SLUICE_TEST_POSTGRES_URL`. `open()` can be called again to reopen the
/// same database with a new store.
struct StoreFixture: Sendable {
    static let urlVariable = "SLUICE_TEST_POSTGRES_URL"
    static let logger = Logger(label: "sluice.test.store")

    let kind: StoreKind
    let baseCurrency: Currency
    /// The SQLite file (for the SQLite kind).
    let sqlitePath: String
    private let postgresURL: String?
    private let schema: String

    init(_ kind: StoreKind, baseCurrency: Currency = .usd) throws {
        self.kind = kind
        self.baseCurrency = baseCurrency
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        self.schema = name
        self.sqlitePath = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-store-tests").appendingPathComponent("\(name).sqlite").path
        self.postgresURL = ProcessInfo.processInfo.environment[Self.urlVariable].flatMap { $0.isEmpty ? nil : $0 }
        if kind == .postgres, postgresURL == nil {
            throw StoreTestSetupError(description:
                "the PostgreSQL store tests need a server: set \(Self.urlVariable) or run scripts/test, which starts a server "
                + "(scripts/postgres-test-server prints a URL to use)")
        }
    }

    /// A new store on this fixture's database (not migrated).
    func open() async throws -> any Store {
        switch kind {
        case .sqlite:
            return try await SQLiteStore(path: sqlitePath, baseCurrency: baseCurrency, logger: Self.logger)
        case .postgres:
            return try await PostgresStore(
                url: postgresURL ?? "", schema: schema, maximumConnections: 4, baseCurrency: baseCurrency,
                logger: Self.logger)
        }
    }

    /// Deletes the database.
    func destroy() async {
        switch kind {
        case .sqlite:
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sqlitePath + suffix) }
            for path in UsageJournal.paths(databasePath: sqlitePath) { try? FileManager.default.removeItem(atPath: path) }
        case .postgres:
            guard let store = try? await open() as? PostgresStore else { return }
            try? await store.dropSchema()
            try? await store.close()
        }
    }
}

/// Runs `body` with a migrated store on a fresh database, then closes the store and deletes the database.
func withStore(
    _ kind: StoreKind, baseCurrency: Currency = .usd, _ body: (StoreFixture, any Store) async throws -> Void
) async throws {
    let fixture = try StoreFixture(kind, baseCurrency: baseCurrency)
    let store = try await fixture.open()
    do {
        try await store.migrate()
        try await body(fixture, store)
    } catch {
        try? await store.close()
        await fixture.destroy()
        throw error
    }
    try await store.close()
    await fixture.destroy()
}

/// Test data.
enum Sample {
    /// 2025-11-23 00:00:00 UTC.
    static let day = Date(timeIntervalSince1970: 1_763_856_000)

    static func dollars(_ units: Int64) -> Money { Money(nanos: units * Money.nanosPerUnit, currency: .usd) }

    static func key(_ id: String, owner: String = "team-a", createdAt: Date = day, budget: Budget? = nil) -> VirtualKey {
        VirtualKey(
            id: id, secretHash: KeySecret.hash("secret-\(id)"), displayPrefix: "sk-sluice-\(id.prefix(4))", owner: owner,
            budget: budget, createdAt: createdAt)
    }

    static func record(
        _ id: String, at date: Date = day, key: String? = "key_a", owner: String? = "team-a", route: String = "chat",
        model: String = "deepseek-chat", status: Int = 200, tokens: TokenCounts = TokenCounts(prompt: 10, completion: 5),
        baseNanos: Int64 = 1_000, cacheHit: Bool = false
    ) -> UsageRecord {
        UsageRecord(
            requestID: id, startedAt: date, keyID: key, owner: owner, route: route, model: model,
            upstream: "openai:\(model)", status: status, tokens: tokens, cost: Money(nanos: baseNanos * 7, currency: .cny),
            baseCost: Money(nanos: baseNanos, currency: .usd), latencyMs: 120, cacheHit: cacheHit)
    }

    /// A request to reserve `amount` against `limit` per day for `key`.
    static func reservation(
        _ key: String = "key_a", amount: Money, limit: Money, period: BudgetPeriod = .day, now: Date = day.addingTimeInterval(3600),
        lease: TimeInterval = 900
    ) -> ReservationRequest {
        ReservationRequest(keyID: key, budget: Budget(limit: limit, period: period), amount: amount, now: now, lease: lease)
    }
}

/// Whether `error` is ``LedgerError/budgetExceeded(keyID:limit:remaining:)``.
func isBudgetExceeded(_ error: any Error) -> Bool {
    if case .budgetExceeded? = error as? LedgerError { return true }
    return false
}
