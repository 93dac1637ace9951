/// Anthropic's `usage`.
///
/// Anthropic counts `input_tokens` *excluding* the tokens read from or written to the prompt cache;
/// the total input is `input_tokens + cache_read_input_tokens + cache_creation_input_tokens`. Chat
/// Completions' `prompt_tokens` is that total, so ``canonical`` and ``init(canonical:)`` add and take away
/// the cache counts.
public struct AnthropicUsage: Codable, Sendable, Hashable {
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var cacheCreationInputTokens: Int?
    public var cacheReadInputTokens: Int?

    public init(
        inputTokens: Int?, outputTokens: Int?, cacheCreationInputTokens: Int? = nil, cacheReadInputTokens: Int? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
    }

    /// The canonical usage: `prompt_tokens = input + cache_read + cache_creation`,
    /// `cached_tokens = cache_read`, `cache_write_tokens = cache_creation`.
    public var canonical: Usage {
        let read = cacheReadInputTokens ?? 0
        let write = cacheCreationInputTokens ?? 0
        return Usage(
            promptTokens: (inputTokens ?? 0) + read + write, completionTokens: outputTokens ?? 0,
            cachedTokens: cacheReadInputTokens, cacheWriteTokens: cacheCreationInputTokens)
    }

    /// Anthropic's view of canonical usage: the cache reads and writes are taken out of `prompt_tokens`.
    public init(canonical usage: Usage) {
        let read = usage.promptTokensDetails?.cachedTokens ?? 0
        let write = usage.promptTokensDetails?.cacheWriteTokens ?? 0
        self.init(
            inputTokens: max(0, usage.promptTokens - read - write), outputTokens: usage.completionTokens,
            cacheCreationInputTokens: write, cacheReadInputTokens: read)
    }

    /// This usage with every count the other one has replacing this one's (message_delta counts are cumulative).
    public func merging(_ other: AnthropicUsage) -> AnthropicUsage {
        AnthropicUsage(
            inputTokens: other.inputTokens ?? inputTokens, outputTokens: other.outputTokens ?? outputTokens,
            cacheCreationInputTokens: other.cacheCreationInputTokens ?? cacheCreationInputTokens,
            cacheReadInputTokens: other.cacheReadInputTokens ?? cacheReadInputTokens)
    }

    private enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case cacheCreationInputTokens = "cache_creation_input_tokens"
        case cacheReadInputTokens = "cache_read_input_tokens"
    }
}
