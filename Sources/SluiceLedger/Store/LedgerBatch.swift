/// A batch of ledger entries, checked and worked out once for every store: which settlements to apply
/// once the store knows which records it actually inserted, and what they add to each budget period.
struct LedgerBatch {
    /// A key's budget period.
    struct Period: Hashable, Comparable {
        var keyID: String
        var start: Int64

        static func < (lhs: Period, rhs: Period) -> Bool {
            (lhs.keyID, lhs.start) < (rhs.keyID, rhs.start)
        }
    }

    /// What a batch adds to one period's settled spend.
    struct Charge: Hashable {
        var period: Period
        var amount: Money
    }

    let entries: [LedgerEntry]

    /// Checks that every base cost is in `baseCurrency`, and that every settlement charges a
    /// non-negative amount in its reservation's currency (one currency per period).
    init(_ entries: [LedgerEntry], baseCurrency: Currency) throws(LedgerError) {
        var currencies: [Period: Currency] = [:]
        for entry in entries {
            guard entry.record.baseCost.currency == baseCurrency else {
                throw .invalidArgument(
                    "request \(entry.record.requestID): base cost is in \(entry.record.baseCost.currency), the ledger's base currency is \(baseCurrency)")
            }
            guard let settlement = entry.settlement else { continue }
            let reservation = settlement.reservation
            guard settlement.charge.currency == reservation.amount.currency, settlement.charge.nanos >= 0 else {
                throw .invalidArgument(
                    "request \(entry.record.requestID): a settlement must charge a non-negative amount in \(reservation.amount.currency), got \(settlement.charge)")
            }
            let period = Period(keyID: reservation.keyID, start: reservation.periodStart)
            if let known = currencies.updateValue(reservation.amount.currency, forKey: period), known != reservation.amount.currency {
                throw .invalidArgument("key \(reservation.keyID): settlements in both \(known) and \(reservation.amount.currency) for one period")
            }
        }
        self.entries = entries
    }

    /// A batch of entries already checked one append at a time (the SQLite store's journal).
    init(checked entries: [LedgerEntry]) {
        self.entries = entries
    }

    /// The records, first occurrence of each request id only.
    var records: [UsageRecord] {
        var seen = Set<String>()
        return entries.compactMap { seen.insert($0.record.requestID).inserted ? $0.record : nil }
    }

    /// The id of every reservation the batch closes, whether or not its record was new.
    var reservationIDs: [String] {
        entries.compactMap { $0.settlement?.reservation.id }
    }

    /// Every period the batch's settlements touch.
    var periods: Set<Period> {
        Set(entries.compactMap { entry in
            entry.settlement.map { Period(keyID: $0.reservation.keyID, start: $0.reservation.periodStart) }
        })
    }

    /// The settlements of records the store has just inserted (`inserted` holds their request ids), each
    /// applied once. A record that was already stored had its settlement applied when it was stored, so a
    /// retried batch charges nothing twice.
    func settlements(inserted: Set<String>) -> [Settlement] {
        var applied = Set<String>()
        return entries.compactMap { entry in
            guard let settlement = entry.settlement, inserted.contains(entry.record.requestID),
                  applied.insert(entry.record.requestID).inserted
            else { return nil }
            return settlement
        }
    }

    /// What every settlement of the batch adds to each period, duplicates included: what the SQLite
    /// store's budget book counts when the entries are journaled, before the database has said which
    /// rows are new.
    var allCharges: [Charge] {
        Self.charges(entries.compactMap(\.settlement))
    }

    /// What `all` charges beyond `applied`, per period: the settlements of rows the database already had.
    static func excess(of all: [Charge], over applied: [Charge]) -> [Charge] {
        var appliedNanos: [Period: Int64] = [:]
        for charge in applied { appliedNanos[charge.period, default: 0] += charge.amount.nanos }
        return all.compactMap { charge in
            let rest = charge.amount.nanos - (appliedNanos[charge.period] ?? 0)
            return rest == 0 ? nil : Charge(period: charge.period, amount: Money(nanos: rest, currency: charge.amount.currency))
        }
    }

    /// What `settlements` add to each period's spend, in key and period order (the order in which a
    /// store should lock the rows).
    static func charges(_ settlements: [Settlement]) -> [Charge] {
        var sums: [Period: Money] = [:]
        for settlement in settlements {
            let period = Period(keyID: settlement.reservation.keyID, start: settlement.reservation.periodStart)
            sums[period, default: .zero(settlement.charge.currency)].nanos += settlement.charge.nanos
        }
        return sums.map { Charge(period: $0.key, amount: $0.value) }.sorted { $0.period < $1.period }
    }
}
