import Foundation

extension SQLiteStore {
    public func reserve(_ request: ReservationRequest) async throws(LedgerError) -> BudgetReservation {
        try checkOpen()
        let id = reservationIDs.next()
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

    /// Ingests the journal first: until then a journaled record whose request id the database already
    /// has (a retry) counts in the book, which errs towards refusing, never towards overspending.
    public func budgetStatus(keyID: String, periodStart: Int64, currency: Currency) async throws(LedgerError) -> BudgetStatus {
        try checkOpen()
        try await flushJournal()
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

    /// Reads a period's settled spend from `budget_spend` into memory. Runs on the usage writer's
    /// thread, which also commits settlements, so that none falls between the read and the book taking it.
    func loadSpend(_ period: LedgerBatch.Period, currency: Currency) async throws(LedgerError) {
        try await usageWriter.run { writer throws(LedgerError) in
            try self.checkOpen()
            if self.budgets.withLock({ $0.spent[period] != nil }) { return }
            var spent = try writer.spend(keyID: period.keyID, periodStart: period.start) ?? .zero(currency)
            guard let journal = self.journal else {
                self.budgets.withLock { $0.load(period, spent: spent) }
                return
            }
            // Records journaled but not yet ingested (ingestion runs on this thread) count too; appends
            // are held off until the book has the sum, and settle into it themselves afterwards.
            journal.withPending { pending in
                spent.nanos += self.pendingCharges(pending, for: period)
                self.budgets.withLock { $0.load(period, spent: spent) }
            }
        }
    }
}
