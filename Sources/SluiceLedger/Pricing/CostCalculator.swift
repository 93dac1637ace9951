import Foundation

/// The exact cost of a request: tokens times prices, with the off-peak discount, rounded once.
public enum CostCalculator {
    /// What `tokens` cost at `price` for a request that started at `date`.
    ///
    /// Cached prompt tokens are charged at the cached price and the rest at the input price; reasoning
    /// tokens at the reasoning price and the rest of the completion at the output price. The first
    /// off-peak window that contains `date` applies its discount. The sum is formed exactly and rounded
    /// once, half away from zero, to whole nanos.
    public static func cost(of tokens: TokenCounts, at price: ModelPrice, startedAt date: Date) -> Money {
        let cached = Int128(min(max(tokens.cached, 0), max(tokens.prompt, 0)))
        let uncached = Int128(max(tokens.prompt, 0)) - cached
        let reasoning = Int128(min(max(tokens.reasoning, 0), max(tokens.completion, 0)))
        let output = Int128(max(tokens.completion, 0)) - reasoning
        var numerator = uncached * Int128(price.input) + cached * Int128(price.cachedInput)
            + output * Int128(price.output) + reasoning * Int128(price.reasoning)
        var denominator: Int128 = 1_000_000
        if let window = price.offPeak.first(where: { $0.contains(date) }) {
            numerator *= Int128(10_000 - window.discountBasisPoints)
            denominator *= 10_000
        }
        let nanos = RoundedDivision.divide(numerator, by: denominator)
        return Money(nanos: Int64(clamping: nanos), currency: price.currency)
    }

    /// An upper bound on what a request can cost before it runs: every prompt token uncached, every
    /// completion token at the dearer of the output and reasoning prices, and no off-peak discount.
    public static func ceiling(promptTokens: Int, completionTokens: Int, at price: ModelPrice) -> Money {
        let numerator = Int128(max(promptTokens, 0)) * Int128(max(price.input, price.cachedInput))
            + Int128(max(completionTokens, 0)) * Int128(max(price.output, price.reasoning))
        // Rounded up, so that the bound is never below the exact cost.
        let nanos = (numerator + 999_999) / 1_000_000
        return Money(nanos: Int64(clamping: nanos), currency: price.currency)
    }
}
