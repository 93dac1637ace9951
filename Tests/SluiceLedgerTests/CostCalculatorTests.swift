import Foundation
import Testing
@testable import SluiceLedger

/// Cost arithmetic against hand-computed values.
@Suite("Cost arithmetic")
struct CostCalculatorTests {
    /// DeepSeek-style prices: $0.27 per 1M uncached input, $0.07 cached, $1.10 output.
    let deepseek = ModelPrice(currency: .usd, input: 270_000_000, cachedInput: 70_000_000, output: 1_100_000_000)
    let noon = Date(timeIntervalSince1970: 1_795_435_200)  // 2026-11-23 12:00:00 UTC

    @Test("cached prompt tokens are charged at the cached price")
    func cachedTokens() {
        // 4,000 uncached × 270 + 6,000 cached × 70 + 2,000 output × 1,100 nanos = 3,700,000 nanos.
        let cost = CostCalculator.cost(of: TokenCounts(prompt: 10_000, cached: 6_000, completion: 2_000), at: deepseek, startedAt: noon)
        #expect(cost == Money(nanos: 3_700_000, currency: .usd))
        #expect(cost.description == "0.0037 USD")
    }

    @Test("reasoning tokens priced apart")
    func reasoningTokens() {
        var price = deepseek
        price.reasoning = 2_190_000_000
        // 2,000 plain output × 1,100 + 1,000 reasoning × 2,190 nanos, and 100 uncached input × 270.
        let cost = CostCalculator.cost(of: TokenCounts(prompt: 100, completion: 3_000, reasoning: 1_000), at: price, startedAt: noon)
        #expect(cost.nanos == 27_000 + 2_200_000 + 2_190_000)
        // Without a separate price, reasoning is output.
        let plain = CostCalculator.cost(of: TokenCounts(prompt: 100, completion: 3_000, reasoning: 1_000), at: deepseek, startedAt: noon)
        #expect(plain.nanos == 27_000 + 3_300_000)
    }

    @Test("off-peak windows past midnight apply their discount", arguments: [
        ("16:29", false), ("16:30", true), ("23:59", true), ("00:00", true), ("00:29", true), ("00:30", false), ("12:00", false),
    ])
    func offPeak(time: String, discounted: Bool) throws {
        var price = deepseek
        price.offPeak = [try OffPeakWindow(start: "16:30", end: "00:30", discountPercent: "50%")]
        let parts = time.split(separator: ":").compactMap { Int($0) }
        let date = Date(timeIntervalSince1970: 1_795_392_000 + Double(parts[0] * 3600 + parts[1] * 60 + 59))
        let cost = CostCalculator.cost(of: TokenCounts(prompt: 1_000, completion: 1_000), at: price, startedAt: date)
        // Full price: 1,000 × 270 + 1,000 × 1,100 = 1,370,000 nanos.
        #expect(cost.nanos == (discounted ? 685_000 : 1_370_000))
    }

    @Test("a 75% discount and rounding once, half away from zero")
    func roundingOnce() throws {
        // 0.0000015 per 1M tokens is 0.0015 nanos per token: 333 tokens are 0.4995 nanos, 334 are 0.501.
        let tiny = ModelPrice(currency: .usd, input: 1_500, output: 0)
        #expect(CostCalculator.cost(of: TokenCounts(prompt: 333), at: tiny, startedAt: noon).nanos == 0)
        #expect(CostCalculator.cost(of: TokenCounts(prompt: 334), at: tiny, startedAt: noon).nanos == 1)
        // Rounding per component would give 0 + 0 here; rounding the sum once gives 1.
        let split = ModelPrice(currency: .usd, input: 300_000, output: 300_000)  // 0.3 nanos a token
        #expect(CostCalculator.cost(of: TokenCounts(prompt: 1, completion: 1), at: split, startedAt: noon).nanos == 1)
        var discounted = deepseek
        discounted.offPeak = [try OffPeakWindow(start: "00:00", end: "24:00", discountPercent: "75")]
        // 3 × 270 × 0.25 = 202.5 → 203.
        #expect(CostCalculator.cost(of: TokenCounts(prompt: 3), at: discounted, startedAt: noon).nanos == 203)
    }

    @Test("currency conversion of a CNY-priced request")
    func currency() throws {
        let qwen = try ModelPrice(currency: .cny, input: "2", output: "8")
        let cost = CostCalculator.cost(of: TokenCounts(prompt: 1_000, completion: 500), at: qwen, startedAt: noon)
        // 1,000 × 2,000 + 500 × 8,000 = 6,000,000 nanos = ¥0.006.
        #expect(cost == Money(nanos: 6_000_000, currency: .cny))
        var rates = ExchangeRates(base: .usd)
        try rates.set(.cny, perBase: "7.1")
        // ¥0.006 / 7.1 = $0.000845070422… → 845,070 nanos.
        #expect(try rates.convert(cost, to: .usd) == Money(nanos: 845_070, currency: .usd))
    }

    @Test("the ceiling is never below the exact cost")
    func ceilingBounds() throws {
        var generator = CostTestGenerator(seed: 42)
        var price = ModelPrice(currency: .usd, input: 270_000_001, cachedInput: 70_000_003, output: 1_100_000_007, reasoning: 2_190_000_011)
        price.offPeak = [try OffPeakWindow(start: "16:30", end: "00:30", discountPercent: "50")]
        for _ in 0..<2_000 {
            let prompt = Int(generator.next() % 200_000), completion = Int(generator.next() % 40_000)
            let tokens = TokenCounts(
                prompt: prompt, cached: Int(generator.next() % UInt64(prompt + 1)), completion: completion,
                reasoning: Int(generator.next() % UInt64(completion + 1)))
            let date = Date(timeIntervalSince1970: Double(generator.next() % 2_000_000_000))
            let exact = CostCalculator.cost(of: tokens, at: price, startedAt: date)
            let ceiling = CostCalculator.ceiling(promptTokens: prompt, completionTokens: completion, at: price)
            #expect(ceiling.nanos >= exact.nanos)
        }
    }
}

/// SplitMix64, for reproducible random cases.
struct CostTestGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
