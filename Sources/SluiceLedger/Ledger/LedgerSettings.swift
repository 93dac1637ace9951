import Foundation

/// What the ledger needs to know besides its store.
public struct LedgerSettings: Sendable {
    /// Prices by configured model name; a model without one costs nothing.
    public var prices: [String: ModelPrice]
    /// Conversion into the base currency (totals and `baseCost`) and into budget currencies.
    public var exchangeRates: ExchangeRates
    /// How long a budget reservation counts if the gateway dies before settling it.
    public var reservationLease: TimeInterval
    /// How long a looked-up key is trusted before it is read again.
    public var keyCacheTTL: TimeInterval
    /// Usage records older than this are pruned; nil keeps them.
    public var retention: TimeInterval?
    /// The group commit's delay: under load, a commit of usage records starts at most this long after
    /// the previous one began, so that each carries more requests (see ``LedgerWriter``). Stores that
    /// record directly (SQLite's journal) do not group-commit.
    public var commitDelay: Duration

    public init(
        prices: [String: ModelPrice] = [:], exchangeRates: ExchangeRates = ExchangeRates(), reservationLease: TimeInterval = 900,
        keyCacheTTL: TimeInterval = 5, retention: TimeInterval? = 90 * 86_400, commitDelay: Duration = .milliseconds(2)
    ) {
        self.prices = prices
        self.exchangeRates = exchangeRates
        self.reservationLease = reservationLease
        self.keyCacheTTL = keyCacheTTL
        self.retention = retention
        self.commitDelay = commitDelay
    }
}
