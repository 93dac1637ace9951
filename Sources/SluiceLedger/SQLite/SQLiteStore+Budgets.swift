import Foundation

extension SQLiteStore {
    public func reserve(_ request: ReservationRequest) async throws(LedgerError) -> BudgetReservation {
        try checkOpen()
        let id = BudgetReservation.newID()
        let period = LedgerBatch.Period(keyID: request.keyID, start: request.periodStart)
        // Loading the period's spend is rare (once per key and period); it is dropped again only when a
        // newer period of the key is loaded, so a second attempt practically always finds it.
        for _ in 0..<3 {
            let reservation = try budgets.withLock { book throws(LedgerError) in try book.reserve(request, id: id) }
            if let reservation { return reservation }
            try await loadSpend(period, currency: request.budget.limit.currency)
        }
        throw .storeFailure("the spend of key \(request.keyID) could not be loaded")
    }

    public func release(_ reservation: BudgetReservation) async throws(LedgerError) {
        try checkOpen()
        _ = budgets.withLock { $0.release(id: reservation.id) }
    }

    public func budgetStatus(keyID: String, periodStart: Int64, currency: Currency) async throws(LedgerError) -> BudgetStatus {
        try checkOpen()
        let period = LedgerBatch.Period(keyID: keyID, start: periodStart)
        for _ in 0..<3 {
            let status = try budgets.withLock { book throws(LedgerError) -> BudgetStatus? in
                guard let spent = try book.spent(period, currency: currency) else { return nil }
                return BudgetStatus(
                    keyID: keyID, periodStart: periodStart, spent: spent, reserved: book.reserved(period, currency: currency))
            }
            if let status { return status }
            try await loadSpend(period, currency: currency)
        }
        throw .storeFailure("the spend of key \(keyID) could not be loaded")
    }

    public func expireReservations(now: Date) async throws(LedgerError) -> Int {
        try checkOpen()
        return budgets.withLock { $0.expire(before: now) }
    }

    /// Reads a period's settled spend from `budget_spend` into memory. Runs inside the gate, so that no
    /// commit of settlements falls between the read and the book taking it.
    func loadSpend(_ period: LedgerBatch.Period, currency: Currency) async throws(LedgerError) {
        try await gate.run { () async throws(LedgerError) in
            try checkOpen()
            if budgets.withLock({ $0.spent[period] != nil }) { return }
            let rows = try await writer.rows(
                "SELECT spent_nanos, currency FROM budget_spend WHERE key_id = ? AND period_start = ?",
                [.text(period.keyID), .int64(period.start)])
            var spent = Money.zero(currency)
            if let row = rows.first {
                spent = Money(nanos: try row.int64("spent_nanos"), currency: Currency(try row.text("currency")))
            }
            budgets.withLock { $0.load(period, spent: spent) }
        }
    }
}
