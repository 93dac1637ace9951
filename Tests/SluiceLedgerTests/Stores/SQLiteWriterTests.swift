import Foundation
import Testing
@testable import SluiceLedger

/// What only the SQLite store does: its usage writer's connection and thread, and checkpoints off it.
@Suite("SQLite usage writer")
struct SQLiteWriterTests {
    @Test("a growing WAL is checkpointed off the writer and stays bounded, and every row survives a reopen")
    func checkpointsOffTheWriter() async throws {
        let fixture = try StoreFixture(.sqlite)
        let store = try #require(try await fixture.open() as? SQLiteStore)
        do {
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
        } catch {
            try? await store.close()
            await fixture.destroy()
            throw error
        }
        await fixture.destroy()
    }
}
