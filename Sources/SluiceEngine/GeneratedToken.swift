/// A token id with its log-probability.
public struct TokenLogprob: Sendable, Equatable {
    public let id: Int32
    public let logprob: Float

    public init(id: Int32, logprob: Float) {
        self.id = id
        self.logprob = logprob
    }
}

/// One sampled token, with OpenAI-style log-probabilities (log-softmax of the raw logits, before
/// penalties and temperature).
public struct GeneratedToken: Sendable, Equatable {
    /// Token id.
    public let id: Int32
    /// Log-probability of `id`.
    public let logprob: Float
    /// The most likely alternatives, best first (`SamplingParams.topLogprobs` of them).
    public let top: [TokenLogprob]
}

/// Why generation ended.
public enum FinishReason: String, Sendable, Equatable {
    /// The model produced an end token (EOS/EOT or an extra end token).
    case stop
    /// `maxTokens` was reached, or the context is full.
    case length
    /// The consumer asked to stop (callback returned false, or the stream was dropped).
    case cancelled
}

/// Totals for one generation.
public struct GenerationSummary: Sendable, Equatable {
    public let finishReason: FinishReason
    public let promptTokens: Int
    public let completionTokens: Int
    /// Wall time of the prompt forward pass.
    public let promptSeconds: Double
    /// Wall time of token generation after the prompt.
    public let generationSeconds: Double
    /// Prompt tokens whose keys and values came from the prefix cache instead of being computed.
    public var cachedTokens: Int = 0
    /// Wall time spent waiting for a sequence slot.
    public var queueSeconds: Double = 0
}

/// What a generation stream delivers.
public enum GenerationEvent: Sendable, Equatable {
    /// The request got a sequence slot; `cachedTokens` of its prompt come from the prefix cache.
    case started(cachedTokens: Int)
    case token(GeneratedToken)
    case finished(GenerationSummary)
}
