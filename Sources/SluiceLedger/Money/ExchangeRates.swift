/// Configured conversion rates into one base currency, such as `1 USD = 7.1 CNY`.
///
/// Rates are exact decimals (nanos of the quoted currency per unit of the base currency), and a
/// conversion rounds once, half away from zero, to whole nanos.
public struct ExchangeRates: Sendable, Hashable {
    /// The currency every other is quoted against, and the one ledger totals are reported in.
    public let base: Currency
    /// Nanos of each currency per one unit of `base` (the base itself is implied at 1).
    public private(set) var nanosPerBase: [Currency: Int64]

    public init(base: Currency = .usd, rates: [Currency: Int64] = [:]) {
        self.base = base
        self.nanosPerBase = rates
        self.nanosPerBase[base] = Money.nanosPerUnit
    }

    /// Sets `1 base = rate currency`, the rate given as decimal text (`"7.1"`).
    public mutating func set(_ currency: Currency, perBase rate: String) throws(LedgerError) {
        guard let nanos = DecimalText.nanos(rate), nanos > 0 else {
            throw .invalidArgument("exchange rate for \(currency) must be a positive decimal, got '\(rate)'")
        }
        nanosPerBase[currency] = nanos
    }

    /// `money` in `target`, rounded once to whole nanos.
    public func convert(_ money: Money, to target: Currency) throws(LedgerError) -> Money {
        if money.currency == target { return money }
        guard let from = nanosPerBase[money.currency] else { throw .unknownCurrency(money.currency) }
        guard let to = nanosPerBase[target] else { throw .unknownCurrency(target) }
        let nanos = RoundedDivision.divide(Int128(money.nanos) * Int128(to), by: Int128(from))
        guard let exact = Int64(exactly: nanos) else { throw .invalidArgument("amount out of range: \(money)") }
        return Money(nanos: exact, currency: target)
    }
}

/// Integer division that rounds half away from zero.
enum RoundedDivision {
    static func divide(_ numerator: Int128, by denominator: Int128) -> Int128 {
        precondition(denominator > 0)
        let half = denominator / 2
        return numerator >= 0 ? (numerator + half) / denominator : -((-numerator + half) / denominator)
    }
}
