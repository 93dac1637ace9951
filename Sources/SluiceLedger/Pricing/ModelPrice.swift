/// What a model costs per 1M tokens, in exact nanos of one currency.
public struct ModelPrice: Sendable, Hashable {
    public var currency: Currency
    /// Uncached prompt tokens.
    public var input: Int64
    /// Prompt tokens served from the provider's context cache (defaults to `input`).
    public var cachedInput: Int64
    /// Completion tokens.
    public var output: Int64
    /// Reasoning tokens, when the provider prices them apart from other output (defaults to `output`).
    public var reasoning: Int64
    /// Discounted windows, such as DeepSeek's 16:30–00:30 UTC.
    public var offPeak: [OffPeakWindow]

    /// Prices in nanos per 1M tokens.
    public init(
        currency: Currency, input: Int64, cachedInput: Int64? = nil, output: Int64, reasoning: Int64? = nil,
        offPeak: [OffPeakWindow] = []
    ) {
        self.currency = currency
        self.input = input
        self.cachedInput = cachedInput ?? input
        self.output = output
        self.reasoning = reasoning ?? output
        self.offPeak = offPeak
    }

    /// Prices from decimal text per 1M tokens (`"0.27"`), as a config file gives them.
    public init(
        currency: Currency, input: String, cachedInput: String? = nil, output: String, reasoning: String? = nil,
        offPeak: [OffPeakWindow] = []
    ) throws(LedgerError) {
        func parse(_ text: String, _ what: String) throws(LedgerError) -> Int64 {
            guard let nanos = DecimalText.nanos(text), nanos >= 0 else {
                throw .invalidArgument("price '\(what)' must be a non-negative decimal with at most 9 fraction digits, got '\(text)'")
            }
            return nanos
        }
        self.init(
            currency: currency, input: try parse(input, "input"),
            cachedInput: try cachedInput.map { text throws(LedgerError) in try parse(text, "cached_input") },
            output: try parse(output, "output"),
            reasoning: try reasoning.map { text throws(LedgerError) in try parse(text, "reasoning") },
            offPeak: offPeak)
    }

    /// A price of nothing (the built-in engine's default).
    public static func free(_ currency: Currency = .usd) -> ModelPrice {
        ModelPrice(currency: currency, input: 0, output: 0)
    }
}
