import Foundation
import Testing
@testable import SluiceLedger

@Suite("Money")
struct MoneyTests {
    @Test("decimal text parses exactly and formats back", arguments: [
        ("0.27", Int64(270_000_000), "0.27"), ("12", 12_000_000_000, "12"), ("0.000000001", 1, "0.000000001"),
        ("-1.5", -1_500_000_000, "-1.5"), (".5", 500_000_000, "0.5"), ("7.", 7_000_000_000, "7"),
    ])
    func parses(text: String, nanos: Int64, formatted: String) throws {
        let money = try #require(Money(text, currency: .usd))
        #expect(money.nanos == nanos)
        #expect(money.amountText == formatted)
    }

    @Test("formatting agrees with plain string arithmetic at the extremes and on random amounts")
    func formatsEveryMagnitude() throws {
        func reference(_ nanos: Int64) -> String {
            let whole = nanos.magnitude / 1_000_000_000
            var fraction = String(nanos.magnitude % 1_000_000_000)
            fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return (nanos < 0 ? "-" : "") + "\(whole)" + (fraction.isEmpty ? "" : "." + fraction)
        }
        var generator = SystemRandomNumberGenerator()
        let extremes: [Int64] = [0, 1, -1, 10, 999_999_999, 1_000_000_000, -1_000_000_001, 100_000_000, .max, .min, .min + 1]
        let random: [Int64] = (0..<2_000).map { index in
            let value = Int64.random(in: .min ... .max, using: &generator)
            return value >> Int64(index % 63)
        }
        for nanos in extremes + random {
            let text = Money(nanos: nanos, currency: .usd).amountText
            #expect(text == reference(nanos))
            if nanos != .min { #expect(Money(text, currency: .usd)?.nanos == nanos) }
        }
    }

    @Test("bad decimal text is refused", arguments: ["", "abc", "1.2.3", "0.0000000001", "1e5", "99999999999999999999", ".", "1,5"])
    func refuses(text: String) {
        #expect(Money(text, currency: .usd) == nil)
    }

    @Test("conversion goes through the base currency and rounds once")
    func converts() throws {
        var rates = ExchangeRates(base: .usd)
        try rates.set(.cny, perBase: "7.1")
        // 1 USD = 7.1 CNY.
        #expect(try rates.convert(Money(nanos: 1_000_000_000, currency: .usd), to: .cny).nanos == 7_100_000_000)
        // ¥1 = 1/7.1 USD = 0.140845070422... → 140845070 nanos (rounded half up from ...070.42).
        #expect(try rates.convert(Money(nanos: 1_000_000_000, currency: .cny), to: .usd).nanos == 140_845_070)
        // 3 nanos of CNY is 0.4225 nanos of USD → 0.
        #expect(try rates.convert(Money(nanos: 3, currency: .cny), to: .usd).nanos == 0)
        // 4 nanos → 0.5633 → 1.
        #expect(try rates.convert(Money(nanos: 4, currency: .cny), to: .usd).nanos == 1)
        #expect(throws: LedgerError.unknownCurrency("EUR")) {
            try rates.convert(Money(nanos: 1, currency: "EUR"), to: .usd)
        }
    }
}
