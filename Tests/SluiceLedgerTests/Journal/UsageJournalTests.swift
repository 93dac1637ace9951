import Foundation
import Testing
@testable import SluiceLedger

/// The SQLite store's usage journal: records are durable in it when `record` returns, move into the
/// database in the background, and come back after a crash, each settling its budget exactly once.
@Suite("SQLite usage journal")
struct UsageJournalTests {
    /// Writes `frames` to the journal files of the database at `path`, as a process killed before it
    /// ingested them would leave them; `tail` is appended to the last file (a torn write).
    static func leaveJournal(at path: String, _ frames: [[LedgerEntry]], tail: [UInt8] = []) throws {
        let paths = UsageJournal.paths(databasePath: path)
        var files: [[UInt8]] = [[], []]
        for (index, frame) in frames.enumerated() { JournalFrame.encode(frame, into: &files[index % 2]) }
        files[1].append(contentsOf: tail)
        for (file, bytes) in zip(paths, files) { try Data(bytes).write(to: URL(fileURLWithPath: file)) }
    }

    static func journalBytes(at path: String) throws -> [[UInt8]] {
        try UsageJournal.paths(databasePath: path).map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
    }

    @Test("a written record is in the journal when record returns, and in the database after the ingestion delay")
    func durableThenIngested() async throws {
        try await withJournaledStore { _, store in
            let entries = (0..<5).map { LedgerEntry(record: Sample.record("d\($0)", baseNanos: 100)) }
            try await store.record(entries)
            // Read straight from the file, not through the store (whose reads ingest first).
            let journaled = try Self.journalBytes(at: store.path).flatMap { JournalFrame.decode($0).entries }
            #expect(Set(journaled.map(\.record.requestID)).isSuperset(of: entries.map(\.record.requestID))
                || store.journal?.withPending({ $0.isEmpty }) == true)
            // The background ingestion empties the journal on its own.
            var pending = store.journal?.withPending { $0.count } ?? -1
            for _ in 0..<100 where pending != 0 {
                try await Task.sleep(for: .milliseconds(20))
                pending = store.journal?.withPending { $0.count } ?? -1
            }
            #expect(pending == 0)
            let rows = try await store.reader.rows("SELECT COUNT(*) AS n FROM usage")
            #expect(try rows.first?.int("n") == 5)
        }
    }

    @Test("records a killed process left in the journal are ingested at the next opening; a torn tail is cut off")
    func recoversAfterACrash() async throws {
        let fixture = try StoreFixture(.sqlite)
        do {
            try await recoverAfterACrash(fixture)
        } catch {
            await fixture.destroy()
            throw error
        }
        await fixture.destroy()
    }

    private func recoverAfterACrash(_ fixture: StoreFixture) async throws {
        let first = try #require(try await fixture.open() as? SQLiteStore)
        try await first.migrate()
        let request = Sample.reservation(amount: Sample.dollars(1), limit: Sample.dollars(100))
        // One row already in the database (ingested before the crash, its journal file not yet emptied).
        let stored = try await first.reserve(request)
        let storedEntry = StoreConformanceTests.settling(stored, charge: Sample.dollars(2), id: "stored")
        try await first.record([storedEntry])
        try await first.close()

        var reservations: [BudgetReservation] = []
        for index in 0..<6 {
            reservations.append(BudgetReservation(
                id: "res_dead_\(index)", keyID: request.keyID, periodStart: request.periodStart,
                amount: Sample.dollars(1), expiresAt: request.now.addingTimeInterval(900)))
        }
        let settled = reservations.map { StoreConformanceTests.settling($0, charge: Sample.dollars(3), id: "lost-\($0.id)") }
        // Three frames: 6 new settled rows, and the stored row again (it must not charge twice).
        try Self.leaveJournal(
            at: fixture.sqlitePath, [Array(settled[0..<2]), Array(settled[2..<6]) + [storedEntry], [storedEntry]],
            tail: Array("SLJ1 torn".utf8))

        let second = try #require(try await fixture.open() as? SQLiteStore)
        try await second.migrate()
        let status = try await second.budgetStatus(keyID: request.keyID, periodStart: request.periodStart, currency: .usd)
        #expect(status.spent == Sample.dollars(2 + 6 * 3))
        #expect(try await second.usage(UsageQuery(groupBy: .key)).map(\.requests) == [7])
        #expect(try await second.usageRecord(requestID: "lost-res_dead_5")?.cost == settled[5].record.cost)
        try await second.close()
        // Closing after the ingestion leaves the journal empty, and a third opening changes nothing.
        #expect(try Self.journalBytes(at: fixture.sqlitePath).allSatisfy(\.isEmpty))
        let third = try await fixture.open()
        let again = try await third.budgetStatus(keyID: request.keyID, periodStart: request.periodStart, currency: .usd)
        #expect(again.spent == Sample.dollars(20))
        #expect(try await third.usage(UsageQuery(groupBy: .key)).map(\.requests) == [7])
        try await third.close()
    }

    @Test("a period's spend loaded while records are journaled counts each exactly once")
    func loadCountsPendingOnce() async throws {
        try await withJournaledStore { fixture, store in
            // Many keys: each period is first loaded (by a reservation) right after its settlement was
            // journaled, mostly before the ingestion, sometimes after it.
            var loadedWhilePending = 0
            for round in 0..<20 {
                let request = Sample.reservation("key_load_\(round)", amount: Sample.dollars(1), limit: Sample.dollars(100))
                let period = LedgerBatch.Period(keyID: request.keyID, start: request.periodStart)
                let reservation = BudgetReservation(
                    id: "res_load_\(round)", keyID: request.keyID, periodStart: request.periodStart,
                    amount: Sample.dollars(1), expiresAt: request.now.addingTimeInterval(900))
                try await store.record([StoreConformanceTests.settling(reservation, charge: Sample.dollars(4), id: "load-\(round)")])
                if round % 4 == 0 { try await Task.sleep(for: .milliseconds(150)) }
                if store.journal?.withPending({ !$0.isEmpty }) == true { loadedWhilePending += 1 }
                _ = try await store.reserve(request)
                // The book itself, before any read that ingests the journal.
                #expect(store.budgets.withLock { $0.spent[period] } == Sample.dollars(4), "round \(round)")
                let status = try await store.budgetStatus(keyID: request.keyID, periodStart: request.periodStart, currency: .usd)
                #expect(status.spent == Sample.dollars(4) && status.reserved == Sample.dollars(1), "round \(round)")
            }
            #expect(loadedWhilePending > 0)
            try await store.close()
            let reopened = try await fixture.open()
            for round in 0..<20 {
                let request = Sample.reservation("key_load_\(round)", amount: Sample.dollars(1), limit: Sample.dollars(100))
                let status = try await reopened.budgetStatus(keyID: request.keyID, periodStart: request.periodStart, currency: .usd)
                #expect(status.spent == Sample.dollars(4), "round \(round) after reopening")
            }
            try await reopened.close()
        }
    }

    @Test("a second store on the same file never ingests the live journal, waits for it before reading, and commits its own records directly")
    func secondStoreWritesDirectly() async throws {
        try await withJournaledStore { fixture, store in
            try await store.record((0..<3).map { LedgerEntry(record: Sample.record("live\($0)")) })
            let second = try #require(try await fixture.open() as? SQLiteStore)
            #expect(second.journal == nil)
            // Its reads wait for the live store's ingestion: a record journaled there is seen here at once.
            #expect(try await second.usage(UsageQuery(groupBy: .key)).map(\.requests) == [3])
            try await store.record([LedgerEntry(record: Sample.record("live-late"))])
            #expect(try await second.usageRecord(requestID: "live-late") != nil)
            #expect(try second.recordDirectly([LedgerEntry(record: Sample.record("never"))]) == false)
            try await second.record([LedgerEntry(record: Sample.record("second"))])
            try await second.close()
            // The first store's journal is whole: its three records are in the database exactly once.
            let totals = try await store.usage(UsageQuery(groupBy: .key))
            #expect(totals.map(\.requests) == [5])
            #expect(try await store.usageRecord(requestID: "never") == nil)
        }
    }

    @Test("records an ingestion could not write stay journaled and are written by the retry, charged once")
    func failedIngestionIsRetried() async throws {
        try await withJournaledStore { _, store in
            let request = Sample.reservation(amount: Sample.dollars(1), limit: Sample.dollars(10))
            let first = try await store.reserve(request)
            try await store.record([StoreConformanceTests.settling(first, charge: Sample.dollars(2), id: "kept-1")])
            // The database refuses the ingestion: its usage table is gone for the moment.
            try await store.writer.execute("ALTER TABLE usage RENAME TO usage_away")
            await #expect(throws: LedgerError.self) { try await store.flushJournal() }
            #expect(store.journal?.withPending { $0.map(\.record.requestID) } == ["kept-1"])
            // The period is read again: the database's spend (nothing) plus the journaled record's.
            let second = try await store.reserve(request)
            #expect(store.budgets.withLock { $0.spent[LedgerBatch.Period(keyID: request.keyID, start: request.periodStart)] } == Sample.dollars(2))
            try await store.record([StoreConformanceTests.settling(second, charge: Sample.dollars(3), id: "kept-2")])
            try await store.writer.execute("ALTER TABLE usage_away RENAME TO usage")
            try await store.flushJournal()
            #expect(store.journal?.withPending { $0.isEmpty } == true)
            let status = try await store.budgetStatus(keyID: request.keyID, periodStart: request.periodStart, currency: .usd)
            #expect(status.spent == Sample.dollars(5) && status.reserved == Sample.dollars(0))
            #expect(try await store.usage(UsageQuery(groupBy: .key)).map(\.requests) == [2])
            let spend = try await store.reader.rows("SELECT spent_nanos FROM budget_spend")
            #expect(try spend.map { try $0.int64("spent_nanos") } == [Sample.dollars(5).nanos])
        }
    }

    @Test("a record carried by an earlier append charges once, in the book and in the database")
    func duplicateAcrossAppends() async throws {
        try await withJournaledStore { fixture, store in
            let request = Sample.reservation(amount: Sample.dollars(1), limit: Sample.dollars(10))
            let reservation = try await store.reserve(request)
            let entry = StoreConformanceTests.settling(reservation, charge: Sample.dollars(2), id: "twice")
            try await store.record([entry])
            try await store.record([entry])
            try await store.flushJournal()
            let status = try await store.budgetStatus(keyID: request.keyID, periodStart: request.periodStart, currency: .usd)
            #expect(status.spent == Sample.dollars(2))
            #expect(status.reserved == Sample.dollars(0))
            try await store.close()
            let reopened = try await fixture.open()
            let again = try await reopened.budgetStatus(keyID: request.keyID, periodStart: request.periodStart, currency: .usd)
            #expect(again.spent == Sample.dollars(2))
            try await reopened.close()
        }
    }
}

/// Runs `body` with a migrated SQLite store that holds its journal, on a fresh file deleted afterwards.
/// `body` may close the store itself.
private func withJournaledStore(_ body: (StoreFixture, SQLiteStore) async throws -> Void) async throws {
    let fixture = try StoreFixture(.sqlite)
    let store = try #require(try await fixture.open() as? SQLiteStore)
    do {
        try await store.migrate()
        #expect(store.journal != nil)
        try await body(fixture, store)
    } catch {
        try? await store.close()
        await fixture.destroy()
        throw error
    }
    try? await store.close()
    await fixture.destroy()
}
