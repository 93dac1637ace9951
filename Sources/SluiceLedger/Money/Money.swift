/// An exact amount of money: an integer count of nanos (10⁻⁹ of the currency unit) and a currency.
///
/// Prices such as ¥0.5 or $0.075 per 1M tokens come to whole nanos per token, so sums stay exact under
/// any number of requests; floating point never touches an amount.
public struct Money: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// Nanos per currency unit.
    public static let nanosPerUnit: Int64 = 1_000_000_000

    public var nanos: Int64
    public var currency: Currency

    public init(nanos: Int64, currency: Currency) {
        self.nanos = nanos
        self.currency = currency
    }

    /// Zero in `currency`.
    public static func zero(_ currency: Currency) -> Money { Money(nanos: 0, currency: currency) }

    /// Parses a decimal amount such as `"12.5"` exactly (at most nine fraction digits).
    public init?(_ text: String, currency: Currency) {
        guard let nanos = DecimalText.nanos(text) else { return nil }
        self.init(nanos: nanos, currency: currency)
    }

    /// The amount as a decimal string with trailing zeros dropped, such as `0.000123`.
    public var amountText: String { DecimalText.format(nanos: nanos) }

    /// `0.000123 USD`.
    public var description: String { "\(amountText) \(currency.code)" }

    /// Orders amounts of one currency; amounts of different currencies order by currency code first.
    public static func < (lhs: Money, rhs: Money) -> Bool {
        lhs.currency == rhs.currency ? lhs.nanos < rhs.nanos : lhs.currency.code < rhs.currency.code
    }

    /// The sum of two amounts of one currency.
    public static func + (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "adding \(lhs.currency) to \(rhs.currency)")
        return Money(nanos: lhs.nanos + rhs.nanos, currency: lhs.currency)
    }
}

/// An ISO 4217 currency code, upper case (`USD`, `CNY`).
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let code: String

    public init(_ code: String) { self.code = code.uppercased() }
    public init(stringLiteral value: String) { self.init(value) }
    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    public var description: String { code }

    public static let usd: Currency = "USD"
    public static let cny: Currency = "CNY"
}
