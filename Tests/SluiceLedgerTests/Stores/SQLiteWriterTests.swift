import Foundation
import Testing
@testable import SluiceLedger

/// What only the SQLite store does: its usage writer's connection and thread, and checkpoints off it.
@Suite("SQLite usage writer")
struct SQLiteWriterTests {
    @Test("a ledger written before the writer applied settlements itself migrates, and charges each settlement once")
    func migratesAwayFromTheTrigger() async throws {
        let request = Sample.reservation(amount: Sample.dollars(1), limit: Sample.dollars(50))
        let half = Money(nanos: 500_000_000, currency: .usd)
        try await withSQLiteStore { fixture, old in
            // Schema version 2, and a row as the build of that version stored it: its settlement rides on
            // the row, and the schema's trigger adds it to budget_spend.
            try await old.migrate(through: 2)
            try await old.writer.execute(
                """
                INSERT INTO usage (request_id, started_at, key_id, route, model, upstream, status, prompt_tokens,
                    cached_tokens, completion_tokens, reasoning_tokens, cost_nanos, cost_currency, base_cost_nanos,
                    latency_ms, cache_hit, charge_key_id, charge_period, charge_nanos, charge_currency)
                VALUES ('before', 0, ?, 'chat', 'm', 'mock', 200, 1, 0, 1, 0, 500000000, 'USD', 500000000, 1, 0,
                    ?, ?, 500000000, 'USD')
                """, [.text(request.keyID), .text(request.keyID), .integer(Int(request.periodStart))])
            try await old.close()

            let store = try #require(try await fixture.open() as? SQLiteStore)
            try await store.migrate()
            let triggers = try await store.writer.rows("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            #expect(triggers.isEmpty)
            var status = try await store.budgetStatus(keyID: request.keyID, periodStart: request.periodStart, currency: .usd)
            #expect(status.spent == half)
            // Three settlements in one batch, one of them a retry of the row stored before: 1.0 more.
            let first = try await store.reserve(request)
            let second = try await store.reserve(request)
            let third = try await store.reserve(request)
            try await store.record([
                StoreConformanceTests.settling(second, charge: half, id: "after-1"),
                StoreConformanceTests.settling(third, charge: half, id: "after-2"),
                StoreConformanceTests.settling(first, charge: half, id: "before"),
            ])
            status = try await store.budgetStatus(keyID: request.keyID, periodStart: request.periodStart, currency: .usd)
            #expect(status.spent == Money(nanos: 1_500_000_000, currency: .usd))
            #expect(status.reserved == Sample.dollars(0))
            try await store.close()

            let reopened = try await fixture.open()
            status = try await reopened.budgetStatus(keyID: request.keyID, periodStart: request.periodStart, currency: .usd)
            #expect(status.spent == Money(nanos: 1_500_000_000, currency: .usd))
            let totals = try await reopened.usage(UsageQuery(groupBy: .key))
            #expect(totals.map(\.requests) == [3])
            try await reopened.close()
        }
    }

    @Test("a growing WAL is checkpointed off the writer and stays bounded, and every row survives a reopen")
    func checkpointsOffTheWriter() async throws {
        try await withSQLiteStore { fixture, store in
            try await store.migrate()
            var written = 0
            // About 60 WAL pages per thousand rows: nine times the 1,000-page threshold in all.
            for batch in 0..<150 {
                let entries = (0..<1_000).map { index in
                    LedgerEntry(record: Sample.record("c\(batch)_\(index)", baseNanos: 3))
                }
                try await store.record(entries)
                written += entries.count
            }
            var completed = store.usageWriter.checkpointer.completed.load(ordering: .relaxed)
            for _ in 0..<200 where completed == 0 {
                try await Task.sleep(for: .milliseconds(50))
                completed = store.usageWriter.checkpointer.completed.load(ordering: .relaxed)
            }
            #expect(completed >= 1)
            // SQLite's own automatic checkpoint is off on the writer: without ours the WAL would hold
            // every page written (about 9,000); the writer restarts it by eight times the threshold.
            try await store.record([LedgerEntry(record: Sample.record("after-checkpoint"))])
            let wal = try FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int ?? 0
            #expect(wal <= (8 * Int(SQLiteCheckpointer.threshold) + 200) * 4_136, "WAL is \(wal) bytes")
            try await store.close()

            let reopened = try await fixture.open()
            let totals = try await reopened.usage(UsageQuery(groupBy: .key))
            #expect(totals.map(\.requests) == [written + 1])
            #expect(totals.first?.cost == Money(nanos: Int64(written) * 3 + 1_000, currency: .usd))
            try await reopened.close()
        }
    }
}

/// Runs `body` with a store (not migrated) on a fresh SQLite file, and deletes the file afterwards.
/// `body` closes the store itself (to reopen the file); if it throws, the store is closed for it.
private func withSQLiteStore(_ body: (StoreFixture, SQLiteStore) async throws -> Void) async throws {
    let fixture = try StoreFixture(.sqlite)
    let store = try #require(try await fixture.open() as? SQLiteStore)
    do {
        try await body(fixture, store)
    } catch {
        try? await store.close()
        await fixture.destroy()
        throw error
    }
    await fixture.destroy()
}
