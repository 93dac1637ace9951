import Foundation

/// The SQLite store's budgets, in memory (see ``SQLiteStore``): settled spend for the periods read so
/// far, and the open reservations. Guarded by the store's mutex; every change is one critical section,
/// so a settlement moves its amount from reserved to spent at once.
struct SQLiteBudgetBook {
    typealias Period = LedgerBatch.Period

    /// Settled spend of the periods read from `budget_spend`, kept current by `settle`.
    private(set) var spent: [Period: Money] = [:]
    /// The sum of the open reservations of each period that has any.
    private(set) var reserved: [Period: Money] = [:]
    private(set) var open: [String: BudgetReservation] = [:]
    /// The periods of each key that `spent` holds, so that older ones can be dropped.
    private var periodsByKey: [String: Set<Int64>] = [:]

    /// Reserves `request.amount` as `id`, or returns nil if the period's spend is not loaded yet.
    mutating func reserve(_ request: ReservationRequest, id: String) throws(LedgerError) -> BudgetReservation? {
        let limit = request.budget.limit
        guard request.amount.currency == limit.currency else {
            throw .invalidArgument("cannot reserve \(request.amount) against a budget in \(limit.currency)")
        }
        guard request.amount.nanos >= 0 else { throw .invalidArgument("cannot reserve a negative amount") }
        let period = Period(keyID: request.keyID, start: request.periodStart)
        guard let settled = try spent(period, currency: limit.currency) else { return nil }
        let held = reserved[period]?.nanos ?? 0
        let (sum, overflow1) = settled.nanos.addingReportingOverflow(held)
        let (total, overflow2) = sum.addingReportingOverflow(request.amount.nanos)
        guard settled.nanos < limit.nanos, !overflow1, !overflow2, total <= limit.nanos else {
            let remaining = overflow1 ? 0 : max(0, limit.nanos - sum)
            throw .budgetExceeded(keyID: request.keyID, limit: limit, remaining: Money(nanos: remaining, currency: limit.currency))
        }
        let reservation = BudgetReservation(
            id: id, keyID: request.keyID, periodStart: period.start, amount: request.amount,
            expiresAt: request.now.addingTimeInterval(request.lease))
        open[id] = reservation
        reserved[period, default: .zero(limit.currency)].nanos += request.amount.nanos
        return reservation
    }

    /// Settled spend of `period`, nil if not loaded; throws if it is kept in another currency.
    func spent(_ period: Period, currency: Currency) throws(LedgerError) -> Money? {
        guard let settled = spent[period] else { return nil }
        if settled.currency != currency, settled.nanos != 0 || reserved[period] != nil {
            throw .invalidArgument("key \(period.keyID)'s budget for this period is kept in \(settled.currency), not \(currency)")
        }
        return Money(nanos: settled.nanos, currency: currency)
    }

    /// Open reservations of `period`.
    func reserved(_ period: Period, currency: Currency) -> Money {
        Money(nanos: reserved[period]?.nanos ?? 0, currency: currency)
    }

    /// Records `settled` as the spend of `period` read from the database, unless a newer read is held.
    /// Drops the key's older periods that have no open reservations.
    mutating func load(_ period: Period, spent settled: Money) {
        guard spent[period] == nil else { return }
        spent[period] = settled
        var periods = periodsByKey[period.keyID] ?? []
        for start in periods where start < period.start {
            let old = Period(keyID: period.keyID, start: start)
            if reserved[old] == nil {
                spent[old] = nil
                periods.remove(start)
            }
        }
        periods.insert(period.start)
        periodsByKey[period.keyID] = periods
    }

    /// Closes a reservation without spending. False if it is not open.
    @discardableResult
    mutating func release(id: String) -> Bool {
        guard let reservation = open.removeValue(forKey: id) else { return false }
        let period = Period(keyID: reservation.keyID, start: reservation.periodStart)
        if let held = reserved[period] {
            let rest = held.nanos - reservation.amount.nanos
            reserved[period] = rest == 0 ? nil : Money(nanos: rest, currency: held.currency)
        }
        return true
    }

    /// Adds committed charges to the loaded periods and closes the reservations `ids`.
    mutating func settle(_ charges: [LedgerBatch.Charge], closing ids: [String]) {
        for charge in charges where spent[charge.period] != nil {
            spent[charge.period]?.nanos += charge.amount.nanos
        }
        for id in ids { release(id: id) }
    }

    /// Takes back charges that `settle` counted but the database did not apply (settlements of rows it
    /// already had).
    mutating func unsettle(_ charges: [LedgerBatch.Charge]) {
        for charge in charges where spent[charge.period] != nil {
            spent[charge.period]?.nanos -= charge.amount.nanos
        }
    }

    /// Forgets the loaded spend of `periods`, so that it is read again (after a write whose outcome is
    /// unknown).
    mutating func forget(_ periods: Set<Period>) {
        for period in periods {
            spent[period] = nil
            periodsByKey[period.keyID]?.remove(period.start)
        }
    }

    /// Closes the reservations whose lease ran out before `now`. Returns how many.
    mutating func expire(before now: Date) -> Int {
        let expired = open.values.filter { $0.expiresAt < now }.map(\.id)
        for id in expired { release(id: id) }
        return expired.count
    }
}
