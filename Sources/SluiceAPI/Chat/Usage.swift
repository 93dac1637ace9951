/// Token counts for one request, as Chat Completions reports them.
///
/// Decoding also understands DeepSeek's `prompt_cache_hit_tokens`, which becomes
/// `prompt_tokens_details.cached_tokens` when the upstream did not send that itself.
public struct Usage: Codable, Sendable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    public var promptTokensDetails: PromptTokensDetails?
    public var completionTokensDetails: CompletionTokensDetails?

    public init(
        promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil,
        cachedTokens: Int? = nil, cacheWriteTokens: Int? = nil, reasoningTokens: Int? = nil
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
        if cachedTokens != nil || cacheWriteTokens != nil {
            promptTokensDetails = PromptTokensDetails(cachedTokens: cachedTokens, cacheWriteTokens: cacheWriteTokens)
        }
        if let reasoningTokens {
            completionTokensDetails = CompletionTokensDetails(reasoningTokens: reasoningTokens)
        }
    }

    /// Prompt tokens served from the upstream's prompt cache.
    public var cachedTokens: Int { promptTokensDetails?.cachedTokens ?? 0 }
    /// Completion tokens spent on reasoning.
    public var reasoningTokens: Int { completionTokensDetails?.reasoningTokens ?? 0 }

    private enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
        case promptTokensDetails = "prompt_tokens_details"
        case completionTokensDetails = "completion_tokens_details"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        promptTokens = try container.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0
        completionTokens = try container.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0
        totalTokens = try container.decodeIfPresent(Int.self, forKey: .totalTokens) ?? promptTokens + completionTokens
        promptTokensDetails = try container.decodeIfPresent(PromptTokensDetails.self, forKey: .promptTokensDetails)
        completionTokensDetails = try container.decodeIfPresent(
            CompletionTokensDetails.self, forKey: .completionTokensDetails)
        // DeepSeek reports cache hits as `prompt_cache_hit_tokens` beside `prompt_cache_miss_tokens`.
        if promptTokensDetails?.cachedTokens == nil,
            let hits = try decoder.container(keyedBy: AnyCodingKey.self)
                .decodeIfPresent(Int.self, forKey: AnyCodingKey("prompt_cache_hit_tokens"))
        {
            var details = promptTokensDetails ?? PromptTokensDetails()
            details.cachedTokens = hits
            promptTokensDetails = details
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
        try container.encodeIfPresent(promptTokensDetails, forKey: .promptTokensDetails)
        try container.encodeIfPresent(completionTokensDetails, forKey: .completionTokensDetails)
    }
}

/// `usage.prompt_tokens_details`.
public struct PromptTokensDetails: Codable, Sendable, Hashable {
    public var cachedTokens: Int?
    public var audioTokens: Int?
    /// Prompt tokens written to the upstream's cache (Anthropic's `cache_creation_input_tokens`).
    public var cacheWriteTokens: Int?

    public init(cachedTokens: Int? = nil, audioTokens: Int? = nil, cacheWriteTokens: Int? = nil) {
        self.cachedTokens = cachedTokens
        self.audioTokens = audioTokens
        self.cacheWriteTokens = cacheWriteTokens
    }

    private enum CodingKeys: String, CodingKey {
        case cachedTokens = "cached_tokens"
        case audioTokens = "audio_tokens"
        case cacheWriteTokens = "cache_write_tokens"
    }
}

/// `usage.completion_tokens_details`.
public struct CompletionTokensDetails: Codable, Sendable, Hashable {
    public var reasoningTokens: Int?
    public var audioTokens: Int?
    public var acceptedPredictionTokens: Int?
    public var rejectedPredictionTokens: Int?

    public init(reasoningTokens: Int? = nil) {
        self.reasoningTokens = reasoningTokens
    }

    private enum CodingKeys: String, CodingKey {
        case reasoningTokens = "reasoning_tokens"
        case audioTokens = "audio_tokens"
        case acceptedPredictionTokens = "accepted_prediction_tokens"
        case rejectedPredictionTokens = "rejected_prediction_tokens"
    }
}
