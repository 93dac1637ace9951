/// The tokens one request used, as the upstream reported them.
///
/// `cached` is the part of `prompt` served from the provider's context cache, and `reasoning` the part
/// of `completion` spent thinking (both are included in their totals, as OpenAI reports them).
public struct TokenCounts: Sendable, Hashable, Codable {
    public var prompt: Int
    public var cached: Int
    public var completion: Int
    public var reasoning: Int

    public init(prompt: Int = 0, cached: Int = 0, completion: Int = 0, reasoning: Int = 0) {
        self.prompt = prompt
        self.cached = cached
        self.completion = completion
        self.reasoning = reasoning
    }

    public var total: Int { prompt + completion }
}
