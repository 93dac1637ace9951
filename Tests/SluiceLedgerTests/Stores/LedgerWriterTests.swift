import Foundation
import Logging
import Synchronization
import Testing
@testable import SluiceLedger

/// The group commit, against both stores (the SQLite store wrapped so that it is not a
/// ``DirectRecorder``, which it is through its journal), and the direct path the journal offers.
@Suite("Ledger writer (group commit)")
struct LedgerWriterTests {
    @Test("concurrent writes are each stored once, in fewer and bounded commits", arguments: StoreKind.allCases)
    func groups(kind: StoreKind) async throws {
        try await withStore(kind) { _, inner in
            let store = try countingStore(wrapping: inner)
            let writer = LedgerWriter(store: store, logger: StoreFixture.logger, maxBatch: 64, commitDelay: .milliseconds(5))
            let loop = Task { await writer.run() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<300 {
                    group.addTask { try await writer.write(LedgerEntry(record: Sample.record("w\(index)", baseNanos: 10))) }
                }
                try await group.waitForAll()
            }
            loop.cancel()
            await loop.value

            let totals = try await inner.usage(UsageQuery(groupBy: .key))
            #expect(totals.map(\.requests) == [300])
            #expect(totals.first?.cost == Money(nanos: 3_000, currency: .usd))
            let batches = store.batches
            #expect(batches.reduce(0, +) == 300)
            #expect(batches.allSatisfy { $0 <= 64 })
            // 300 writers arriving together, commits at least 5 ms apart: far fewer commits than writes.
            #expect(batches.count < 100, "\(batches.count) commits for 300 writes")
        }
    }

    @Test("an idle writer commits a lone entry at once, whatever the commit delay", arguments: StoreKind.allCases)
    func idleCommitsAtOnce(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            // A delay beyond the test's patience: only entries that arrive while a commit runs may wait
            // for it. (Were the sequential writes to wait, the test fails after 15 s and ends after 30.)
            let writer = LedgerWriter(store: store, logger: StoreFixture.logger, commitDelay: .seconds(30))
            let loop = Task { await writer.run() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for index in 0..<3 { try await writer.write(LedgerEntry(record: Sample.record("lone\(index)"))) }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(15))
                    throw StoreTestSetupError(description: "three sequential writes waited for the commit delay")
                }
                try await group.next()
                group.cancelAll()
            }
            loop.cancel()
            await loop.value
            #expect(try await store.usage(UsageQuery(groupBy: .key)).map(\.requests) == [3])
        }
    }

    @Test("the SQLite store's journal makes each write durable on the caller's thread, with no commit loop running")
    func directWrites() async throws {
        try await withStore(.sqlite) { _, store in
            let writer = LedgerWriter(store: store, logger: StoreFixture.logger)
            #expect(writer.direct != nil)
            // No `run()`: a write that went to the group commit would never return.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await withThrowingTaskGroup(of: Void.self) { writes in
                        for index in 0..<200 {
                            writes.addTask { try await writer.write(LedgerEntry(record: Sample.record("direct\(index)", baseNanos: 5))) }
                        }
                        try await writes.waitForAll()
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(15))
                    throw StoreTestSetupError(description: "writes waited for a group commit that never runs")
                }
                try await group.next()
                group.cancelAll()
            }
            let totals = try await store.usage(UsageQuery(groupBy: .key))
            #expect(totals.map(\.requests) == [200])
            #expect(totals.first?.cost == Money(nanos: 1_000, currency: .usd))
        }
    }

    @Test("stopping the writer commits what is queued and refuses later writes", arguments: StoreKind.allCases)
    func stops(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            let writer = LedgerWriter(store: store, logger: StoreFixture.logger, commitDelay: .milliseconds(20))
            let loop = Task { await writer.run() }
            let writes = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<50 {
                        group.addTask { try await writer.write(LedgerEntry(record: Sample.record("s\(index)"))) }
                    }
                    try await group.waitForAll()
                }
            }
            try await writes.value
            loop.cancel()
            await loop.value
            await #expect(throws: LedgerError.self) {
                try await writer.write(LedgerEntry(record: Sample.record("late")))
            }
            #expect(try await store.usage(UsageQuery(groupBy: .key)).map(\.requests) == [50])
            #expect(try await store.usageRecord(requestID: "late") == nil)
        }
    }

    @Test("writes to a closed store fail instead of hanging", arguments: StoreKind.allCases)
    func closedStore(kind: StoreKind) async throws {
        let fixture = try StoreFixture(kind)
        let store = try await fixture.open()
        try await store.migrate()
        try await store.close()
        let writer = LedgerWriter(store: store, logger: Logger(label: "sluice.test.quiet", factory: { _ in SwiftLogNoOpLogHandler() }))
        let loop = Task { await writer.run() }
        await #expect(throws: LedgerError.self) {
            try await writer.write(LedgerEntry(record: Sample.record("after-close")))
        }
        loop.cancel()
        await loop.value
        await fixture.destroy()
    }
}

/// A store that counts the batches committed through it, passing everything on to a real store. It is
/// never a ``DirectRecorder``, so the writer group-commits through it.
final class CountingStore<Inner: Store>: Store {
    let inner: Inner
    private let sizes = Mutex<[Int]>([])

    init(_ inner: Inner) { self.inner = inner }

    /// The sizes of the batches committed so far, in order.
    var batches: [Int] { sizes.withLock { $0 } }

    func count(_ entries: [LedgerEntry]) { sizes.withLock { $0.append(entries.count) } }

    func migrate() async throws { try await inner.migrate() }
    func insertKey(_ key: VirtualKey) async throws { try await inner.insertKey(key) }
    func key(secretHash: String) async throws -> VirtualKey? { try await inner.key(secretHash: secretHash) }
    func key(id: String) async throws -> VirtualKey? { try await inner.key(id: id) }
    func keys() async throws -> [VirtualKey] { try await inner.keys() }
    func revokeKey(id: String, at date: Date) async throws -> Bool { try await inner.revokeKey(id: id, at: date) }
    func reserve(_ request: ReservationRequest) async throws -> BudgetReservation { try await inner.reserve(request) }
    func release(_ reservation: BudgetReservation) async throws { try await inner.release(reservation) }
    func budgetStatus(keyID: String, periodStart: Int64, currency: Currency) async throws -> BudgetStatus {
        try await inner.budgetStatus(keyID: keyID, periodStart: periodStart, currency: currency)
    }
    func expireReservations(now: Date) async throws -> Int { try await inner.expireReservations(now: now) }
    func record(_ entries: [LedgerEntry]) async throws {
        try await inner.record(entries)
        count(entries)
    }
    func usageRecord(requestID: String) async throws -> UsageRecord? { try await inner.usageRecord(requestID: requestID) }
    func usage(_ query: UsageQuery) async throws -> [UsageTotal] { try await inner.usage(query) }
    func pruneUsage(before date: Date) async throws -> Int { try await inner.pruneUsage(before: date) }
    func close() async throws { try await inner.close() }
}

/// `store` wrapped in a ``CountingStore`` of its concrete type.
func countingStore(wrapping store: any Store) throws -> any Store & BatchCounting {
    if let sqlite = store as? SQLiteStore { return CountingStore<SQLiteStore>(sqlite) }
    if let postgres = store as? PostgresStore { return CountingStore<PostgresStore>(postgres) }
    throw StoreTestSetupError(description: "no counting wrapper for \(type(of: store))")
}

/// Read access to ``CountingStore``'s batches through an existential.
protocol BatchCounting {
    var batches: [Int] { get }
}

extension CountingStore: BatchCounting {}
