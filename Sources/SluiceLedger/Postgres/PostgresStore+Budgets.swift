import Foundation
import PostgresNIO

extension PostgresStore {
    /// One atomic statement takes the amount under the period row's lock and records the reservation;
    /// the period's row is created the first time a key reserves in it.
    public func reserve(_ request: ReservationRequest) async throws(LedgerError) -> BudgetReservation {
        let limit = request.budget.limit
        guard request.amount.currency == limit.currency else {
            throw .invalidArgument("cannot reserve \(request.amount) against a budget in \(limit.currency)")
        }
        guard request.amount.nanos >= 0 else { throw .invalidArgument("cannot reserve a negative amount") }
        let reservation = BudgetReservation(
            id: reservationIDs.next(), keyID: request.keyID, periodStart: request.periodStart,
            amount: request.amount, expiresAt: request.now.addingTimeInterval(request.lease))
        if try await hold(reservation, limit: limit) { return reservation }
        try await rows("""
            INSERT INTO budget_state (key_id, period_start, spent_nanos, reserved_nanos, currency)
            VALUES (\(reservation.keyID), \(reservation.periodStart), 0, 0, \(limit.currency.code))
            ON CONFLICT (key_id, period_start) DO NOTHING
            """)
        if try await hold(reservation, limit: limit) { return reservation }
        let status = try await budgetStatus(keyID: request.keyID, periodStart: request.periodStart, currency: limit.currency)
        let remaining = max(0, limit.nanos - status.spent.nanos - status.reserved.nanos)
        throw .budgetExceeded(keyID: request.keyID, limit: limit, remaining: Money(nanos: remaining, currency: limit.currency))
    }

    /// Adds the reservation to its period if the limit allows, in one statement. False if the limit does
    /// not allow it or the period has no row yet.
    private func hold(_ reservation: BudgetReservation, limit: Money) async throws(LedgerError) -> Bool {
        let amount = reservation.amount.nanos
        let held = try await rows("""
            WITH held AS (
                UPDATE budget_state SET reserved_nanos = reserved_nanos + \(amount)
                WHERE key_id = \(reservation.keyID) AND period_start = \(reservation.periodStart)
                    AND currency = \(limit.currency.code) AND spent_nanos < \(limit.nanos)
                    AND spent_nanos + reserved_nanos + \(amount) <= \(limit.nanos)
                RETURNING key_id, period_start
            )
            INSERT INTO budget_reservations (id, key_id, period_start, amount_nanos, currency, expires_at)
            SELECT \(reservation.id), key_id, period_start, \(amount), \(limit.currency.code),
                \(StoreColumns.micros(reservation.expiresAt))
            FROM held
            RETURNING id
            """)
        return !held.isEmpty
    }

    /// Deletes the reservation's row and subtracts what it held, in one statement; nothing if the
    /// reservation was already settled, released or expired.
    public func release(_ reservation: BudgetReservation) async throws(LedgerError) {
        try await rows("""
            WITH gone AS (
                DELETE FROM budget_reservations WHERE id = \(reservation.id)
                RETURNING key_id, period_start, amount_nanos
            )
            UPDATE budget_state AS state SET reserved_nanos = state.reserved_nanos - gone.amount_nanos
            FROM gone WHERE state.key_id = gone.key_id AND state.period_start = gone.period_start
            """)
    }

    public func budgetStatus(keyID: String, periodStart: Int64, currency: Currency) async throws(LedgerError) -> BudgetStatus {
        let rows = try await rows("""
            SELECT spent_nanos, reserved_nanos, currency FROM budget_state
            WHERE key_id = \(keyID) AND period_start = \(periodStart)
            """)
        var status = BudgetStatus(keyID: keyID, periodStart: periodStart, spent: .zero(currency), reserved: .zero(currency))
        guard let row = rows.first else { return status }
        let spent: Int64 = try row.value("spent_nanos")
        let reserved: Int64 = try row.value("reserved_nanos")
        let stored = Currency(try row.value("currency", as: String.self))
        if stored != currency, spent != 0 || reserved != 0 {
            throw .invalidArgument("key \(keyID)'s budget for this period is kept in \(stored), not \(currency)")
        }
        status.spent.nanos = spent
        status.reserved.nanos = reserved
        return status
    }

    public func expireReservations(now: Date) async throws(LedgerError) -> Int {
        try await transaction { [self] (connection) async throws(LedgerError) -> Int in
            let gone = try await connection.rows("""
                DELETE FROM budget_reservations WHERE expires_at < \(StoreColumns.micros(now))
                RETURNING key_id, period_start, amount_nanos, currency
                """, logger: logger)
            var freed: [LedgerBatch.Period: Money] = [:]
            for row in gone {
                let period = LedgerBatch.Period(keyID: try row.value("key_id"), start: try row.value("period_start"))
                let currency = Currency(try row.value("currency", as: String.self))
                freed[period, default: .zero(currency)].nanos += try row.value("amount_nanos", as: Int64.self)
            }
            try await adjust(
                freed.map { BudgetAdjustment(period: $0.key, currency: $0.value.currency, spent: 0, freed: $0.value.nanos) },
                on: connection)
            return gone.count
        }
    }

    /// A change to one period's row: `spent` added to settled spend, `freed` taken off reservations.
    struct BudgetAdjustment {
        var period: LedgerBatch.Period
        var currency: Currency
        var spent: Int64
        var freed: Int64
    }

    /// Applies `adjustments` in one statement that locks the rows in key and period order, so that
    /// transactions adjusting several of the same periods cannot deadlock. A missing row is created (a
    /// period only has open reservations once its row exists, so `freed` is then zero).
    func adjust(_ adjustments: [BudgetAdjustment], on connection: PostgresConnection) async throws(LedgerError) {
        guard !adjustments.isEmpty else { return }
        let sorted = adjustments.sorted { $0.period < $1.period }
        let keys = sorted.map(\.period.keyID), starts = sorted.map(\.period.start)
        let spent = sorted.map(\.spent), freed = sorted.map { -$0.freed }, currencies = sorted.map(\.currency.code)
        try await connection.rows("""
            INSERT INTO budget_state (key_id, period_start, spent_nanos, reserved_nanos, currency)
            SELECT key_id, period_start, spent, freed, currency
            FROM UNNEST(\(keys)::TEXT[], \(starts)::BIGINT[], \(spent)::BIGINT[], \(freed)::BIGINT[], \(currencies)::TEXT[])
                AS change (key_id, period_start, spent, freed, currency)
            ORDER BY key_id COLLATE "C", period_start
            ON CONFLICT (key_id, period_start) DO UPDATE SET
                spent_nanos = budget_state.spent_nanos + EXCLUDED.spent_nanos,
                reserved_nanos = budget_state.reserved_nanos + EXCLUDED.reserved_nanos
            """, logger: logger)
    }
}
