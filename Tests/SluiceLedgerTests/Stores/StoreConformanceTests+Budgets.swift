import Foundation
import Testing
@testable import SluiceLedger

extension StoreConformanceTests {
    /// A ledger entry that settles `reservation` for `charge`.
    static func settling(_ reservation: BudgetReservation, charge: Money, id: String? = nil) -> LedgerEntry {
        LedgerEntry(
            record: Sample.record(id ?? "req-\(reservation.id)", key: reservation.keyID),
            settlement: Settlement(reservation: reservation, charge: charge))
    }

    @Test("concurrent reservations never overrun the limit; settling and releasing move the amounts", arguments: StoreKind.allCases)
    func concurrentReservations(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            let request = Sample.reservation(amount: Sample.dollars(1), limit: Sample.dollars(50))
            let results = await withTaskGroup(of: Result<BudgetReservation, any Error>.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        do { return .success(try await store.reserve(request)) } catch { return .failure(error) }
                    }
                }
                var results: [Result<BudgetReservation, any Error>] = []
                for await result in group { results.append(result) }
                return results
            }
            let granted = results.compactMap { try? $0.get() }
            let refusals = results.compactMap { result -> (any Error)? in
                if case .failure(let error) = result { return error }
                return nil
            }
            #expect(granted.count == 50)
            #expect(Set(granted.map(\.id)).count == 50)
            #expect(refusals.count == 150)
            #expect(refusals.allSatisfy(isBudgetExceeded))

            let period = request.periodStart
            var status = try await store.budgetStatus(keyID: "key_a", periodStart: period, currency: .usd)
            #expect(status.spent == Sample.dollars(0))
            #expect(status.reserved == Sample.dollars(50))

            // Settle 20 for half a dollar each, release 10, leave 20 open.
            let half = Money(nanos: 500_000_000, currency: .usd)
            try await store.record(granted.prefix(20).map { Self.settling($0, charge: half) })
            for reservation in granted[20..<30] { try await store.release(reservation) }
            status = try await store.budgetStatus(keyID: "key_a", periodStart: period, currency: .usd)
            #expect(status.spent == Sample.dollars(10))
            #expect(status.reserved == Sample.dollars(20))

            // 50 − 10 spent − 20 reserved = 20 left: 20 more fit, the 21st does not.
            for _ in 0..<20 { _ = try await store.reserve(request) }
            await #expect {
                try await store.reserve(request)
            } throws: { error in
                guard case .budgetExceeded(let key, let limit, let remaining) = error as? LedgerError else { return false }
                return key == "key_a" && limit == Sample.dollars(50) && remaining == Sample.dollars(0)
            }
        }
    }

    @Test("replicas sharing a PostgreSQL database never overrun a budget between them", arguments: [StoreKind.postgres])
    func replicasShareBudgets(kind: StoreKind) async throws {
        try await withStore(kind) { fixture, first in
            let second = try await fixture.open()
            let request = Sample.reservation(amount: Sample.dollars(1), limit: Sample.dollars(50))
            let granted = await withTaskGroup(of: BudgetReservation?.self) { group in
                for index in 0..<200 {
                    let replica = index % 2 == 0 ? first : second
                    group.addTask { try? await replica.reserve(request) }
                }
                var granted: [BudgetReservation] = []
                for await reservation in group { if let reservation { granted.append(reservation) } }
                return granted
            }
            #expect(granted.count == 50)
            // One replica settles what the other reserved; both see the same state.
            try await second.record(granted.prefix(30).map { Self.settling($0, charge: Sample.dollars(1)) })
            for reservation in granted.dropFirst(30) { try await first.release(reservation) }
            for replica in [first, second] {
                let status = try await replica.budgetStatus(keyID: "key_a", periodStart: request.periodStart, currency: .usd)
                #expect(status.spent == Sample.dollars(30))
                #expect(status.reserved == Sample.dollars(0))
            }
            try await second.close()
        }
    }

    @Test("once settled spend reaches the limit even a zero reservation is refused", arguments: StoreKind.allCases)
    func zeroReservationAtLimit(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            let limit = Sample.dollars(5)
            let zero = Sample.reservation(amount: Sample.dollars(0), limit: limit)
            let first = try await store.reserve(zero)
            #expect(first.amount == Sample.dollars(0))
            let reservation = try await store.reserve(Sample.reservation(amount: Sample.dollars(3), limit: limit))
            // The request cost more than it reserved, and exactly the limit: spent + reserved + 0 is
            // within the limit, but nothing may be reserved once spend has reached it.
            try await store.record([Self.settling(reservation, charge: Sample.dollars(5))])
            var status = try await store.budgetStatus(keyID: "key_a", periodStart: zero.periodStart, currency: .usd)
            #expect(status.spent == Sample.dollars(5))
            #expect(status.reserved == Sample.dollars(0))
            await #expect {
                try await store.reserve(zero)
            } throws: { error in
                guard case .budgetExceeded(_, _, let remaining) = error as? LedgerError else { return false }
                return remaining == Sample.dollars(0)
            }
            // Spend may pass the limit (a request cost more than its ceiling); still nothing fits.
            try await store.record([Self.settling(first, charge: Sample.dollars(1))])
            status = try await store.budgetStatus(keyID: "key_a", periodStart: zero.periodStart, currency: .usd)
            #expect(status.spent == Sample.dollars(6))
            await #expect(throws: LedgerError.budgetExceeded(keyID: "key_a", limit: limit, remaining: Sample.dollars(0))) {
                try await store.reserve(zero)
            }
        }
    }

    @Test("a refusal reports what remains after spend and open reservations", arguments: StoreKind.allCases)
    func remainingOnRefusal(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            let limit = Sample.dollars(10)
            let reservation = try await store.reserve(Sample.reservation(amount: Sample.dollars(4), limit: limit))
            try await store.record([Self.settling(reservation, charge: Sample.dollars(3))])
            _ = try await store.reserve(Sample.reservation(amount: Sample.dollars(2), limit: limit))
            await #expect(throws: LedgerError.budgetExceeded(keyID: "key_a", limit: limit, remaining: Sample.dollars(5))) {
                try await store.reserve(Sample.reservation(amount: Sample.dollars(6), limit: limit))
            }
            _ = try await store.reserve(Sample.reservation(amount: Sample.dollars(5), limit: limit))
        }
    }

    @Test("settled spend survives closing and reopening the store", arguments: StoreKind.allCases)
    func spendPersists(kind: StoreKind) async throws {
        try await withStore(kind) { fixture, store in
            let limit = Sample.dollars(10)
            let settled = try await store.reserve(Sample.reservation(amount: Sample.dollars(4), limit: limit))
            try await store.record([Self.settling(settled, charge: Money(nanos: 3_250_000_001, currency: .usd))])
            let open = try await store.reserve(Sample.reservation(amount: Sample.dollars(2), limit: limit))
            try await store.close()

            let reopened = try await fixture.open()
            try await reopened.migrate()
            let status = try await reopened.budgetStatus(keyID: "key_a", periodStart: open.periodStart, currency: .usd)
            #expect(status.spent == Money(nanos: 3_250_000_001, currency: .usd))
            switch kind {
            case .sqlite:
                // Reservations live in the process: they vanished with the closed store.
                #expect(status.reserved == Sample.dollars(0))
            case .postgres:
                // Reservations are shared by replicas: they stay until settled, released or expired.
                #expect(status.reserved == Sample.dollars(2))
                try await reopened.release(open)
            }
            // 10 − 3.250000001 leaves 6.749999999: 6.75 is too much, 6.749999999 fits exactly.
            await #expect(throws: LedgerError.self) {
                try await reopened.reserve(Sample.reservation(amount: Money(nanos: 6_750_000_000, currency: .usd), limit: limit))
            }
            _ = try await reopened.reserve(Sample.reservation(amount: Money(nanos: 6_749_999_999, currency: .usd), limit: limit))
            try await reopened.close()
        }
    }

    @Test("a day budget starts again the next UTC day", arguments: StoreKind.allCases)
    func dayPeriods(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            let limit = Sample.dollars(10)
            let yesterday = Sample.day.addingTimeInterval(-3600)  // 23:00 the day before
            let today = Sample.day.addingTimeInterval(1)
            let spent = try await store.reserve(Sample.reservation(amount: Sample.dollars(9), limit: limit, now: yesterday))
            #expect(spent.periodStart == Int64(Sample.day.timeIntervalSince1970) - 86_400)
            try await store.record([Self.settling(spent, charge: Sample.dollars(9))])
            await #expect(throws: LedgerError.self) {
                try await store.reserve(Sample.reservation(amount: Sample.dollars(2), limit: limit, now: yesterday))
            }
            let fresh = try await store.reserve(Sample.reservation(amount: Sample.dollars(10), limit: limit, now: today))
            #expect(fresh.periodStart == Int64(Sample.day.timeIntervalSince1970))
            let old = try await store.budgetStatus(keyID: "key_a", periodStart: spent.periodStart, currency: .usd)
            let new = try await store.budgetStatus(keyID: "key_a", periodStart: fresh.periodStart, currency: .usd)
            #expect(old.spent == Sample.dollars(9))
            #expect(old.reserved == Sample.dollars(0))
            #expect(new.spent == Sample.dollars(0))
            #expect(new.reserved == Sample.dollars(10))
        }
    }

    @Test("expiring frees leaked reservations once, and a late release subtracts nothing", arguments: StoreKind.allCases)
    func expiry(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            let limit = Sample.dollars(10)
            let now = Sample.day.addingTimeInterval(3600)
            let leaked = try await store.reserve(Sample.reservation(amount: Sample.dollars(6), limit: limit, now: now, lease: 60))
            let longer = try await store.reserve(Sample.reservation(amount: Sample.dollars(3), limit: limit, now: now, lease: 600))
            #expect(try await store.expireReservations(now: now.addingTimeInterval(30)) == 0)
            #expect(try await store.expireReservations(now: now.addingTimeInterval(61)) == 1)
            #expect(try await store.expireReservations(now: now.addingTimeInterval(62)) == 0)
            var status = try await store.budgetStatus(keyID: "key_a", periodStart: leaked.periodStart, currency: .usd)
            #expect(status.reserved == Sample.dollars(3))

            // Releasing the expired reservation must not subtract its amount a second time.
            try await store.release(leaked)
            status = try await store.budgetStatus(keyID: "key_a", periodStart: leaked.periodStart, currency: .usd)
            #expect(status.reserved == Sample.dollars(3))
            // Nor may settling it: only the charge counts.
            try await store.record([Self.settling(leaked, charge: Sample.dollars(1))])
            status = try await store.budgetStatus(keyID: "key_a", periodStart: leaked.periodStart, currency: .usd)
            #expect(status.spent == Sample.dollars(1))
            #expect(status.reserved == Sample.dollars(3))
            // 10 − 1 − 3 = 6 left.
            _ = try await store.reserve(Sample.reservation(amount: Sample.dollars(6), limit: limit, now: now))
            try await store.release(longer)
            status = try await store.budgetStatus(keyID: "key_a", periodStart: leaked.periodStart, currency: .usd)
            #expect(status.reserved == Sample.dollars(6))
        }
    }

    @Test("a retried batch neither stores a record twice nor charges its settlement twice", arguments: StoreKind.allCases)
    func idempotentRecord(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            let limit = Sample.dollars(100)
            let a = try await store.reserve(Sample.reservation(amount: Sample.dollars(5), limit: limit))
            let b = try await store.reserve(Sample.reservation(amount: Sample.dollars(5), limit: limit))
            let batch = [
                Self.settling(a, charge: Sample.dollars(2), id: "req-a"),
                Self.settling(b, charge: Sample.dollars(3), id: "req-b"),
                LedgerEntry(record: Sample.record("req-plain")),
            ]
            try await store.record(batch)
            try await store.record(batch)
            // A batch that repeats one of its own request ids applies it once.
            let c = try await store.reserve(Sample.reservation(amount: Sample.dollars(5), limit: limit))
            let twice = Self.settling(c, charge: Sample.dollars(4), id: "req-c")
            try await store.record([twice, twice, batch[0]])

            let status = try await store.budgetStatus(keyID: "key_a", periodStart: a.periodStart, currency: .usd)
            #expect(status.spent == Sample.dollars(9))
            #expect(status.reserved == Sample.dollars(0))
            let totals = try await store.usage(UsageQuery(groupBy: .key))
            #expect(totals.map(\.requests) == [4])
        }
    }

    @Test("a batch larger than one INSERT is stored whole, and retrying it changes nothing", arguments: StoreKind.allCases)
    func largeBatch(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            let limit = Sample.dollars(1)
            var entries: [LedgerEntry] = []
            for index in 0..<2_345 {
                var record = Sample.record("bulk-\(index)", baseNanos: Int64(index))
                record.tokens = TokenCounts(prompt: 1, completion: 2)
                var settlement: Settlement?
                if index % 10 == 0 {
                    let reservation = try await store.reserve(
                        Sample.reservation(amount: Money(nanos: 1_000, currency: .usd), limit: limit))
                    settlement = Settlement(reservation: reservation, charge: Money(nanos: Int64(index), currency: .usd))
                }
                entries.append(LedgerEntry(record: record, settlement: settlement))
            }
            try await store.record(entries)
            try await store.record(entries)
            let totals = try await store.usage(UsageQuery(groupBy: .key))
            // 0 + 1 + … + 2344 nanos of base cost; charges 0 + 10 + … + 2340 = 10 × (0 + … + 234).
            #expect(totals == [Self.total("key_a", 2_345, errors: 0, hits: 0, 2_345, 0, 4_690, 0, cost: 2_344 * 2_345 / 2)])
            let status = try await store.budgetStatus(
                keyID: "key_a", periodStart: Sample.reservation(amount: limit, limit: limit).periodStart, currency: .usd)
            #expect(status.spent == Money(nanos: 10 * 234 * 235 / 2, currency: .usd))
            #expect(status.reserved == Sample.dollars(0))
        }
    }

    @Test("amounts in the wrong currency are refused", arguments: StoreKind.allCases)
    func currencyMismatch(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            await #expect(throws: LedgerError.self) {
                try await store.reserve(Sample.reservation(amount: Money(nanos: 1, currency: .cny), limit: Sample.dollars(1)))
            }
            var record = Sample.record("req-cny")
            record.baseCost = Money(nanos: 1, currency: .cny)
            await #expect(throws: LedgerError.self) { try await store.record([LedgerEntry(record: record)]) }
            let stored = try await store.usageRecord(requestID: "req-cny")
            #expect(stored == nil)
        }
    }
}
