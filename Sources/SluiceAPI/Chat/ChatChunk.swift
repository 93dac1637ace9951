/// One `chat.completion.chunk` of a streamed response.
public struct ChatChunk: Codable, Sendable, Hashable {
    public var id: String
    public var object: String
    public var created: Int
    public var model: String
    public var choices: [ChunkChoice]
    /// Set only on the final chunk, and only when `stream_options.include_usage` was asked for.
    public var usage: Usage?
    public var systemFingerprint: String?

    public init(id: String, created: Int, model: String, choices: [ChunkChoice], usage: Usage? = nil) {
        self.id = id
        self.object = "chat.completion.chunk"
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }

    private enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage, systemFingerprint = "system_fingerprint"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        object = try container.decodeIfPresent(String.self, forKey: .object) ?? "chat.completion.chunk"
        created = try container.decodeIfPresent(Int.self, forKey: .created) ?? 0
        model = try container.decodeIfPresent(String.self, forKey: .model) ?? ""
        choices = try container.decodeIfPresent([ChunkChoice].self, forKey: .choices) ?? []
        usage = try container.decodeIfPresent(Usage.self, forKey: .usage)
        systemFingerprint = try container.decodeIfPresent(String.self, forKey: .systemFingerprint)
    }
}

/// One choice inside a chunk.
public struct ChunkChoice: Codable, Sendable, Hashable {
    public var index: Int
    public var delta: ChatDelta
    public var finishReason: FinishReason?
    public var logprobs: ChoiceLogprobs?

    public init(index: Int = 0, delta: ChatDelta, finishReason: FinishReason? = nil, logprobs: ChoiceLogprobs? = nil) {
        self.index = index
        self.delta = delta
        self.finishReason = finishReason
        self.logprobs = logprobs
    }

    private enum CodingKeys: String, CodingKey {
        case index, delta, finishReason = "finish_reason", logprobs
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        index = try container.decodeIfPresent(Int.self, forKey: .index) ?? 0
        delta = try container.decodeIfPresent(ChatDelta.self, forKey: .delta) ?? ChatDelta()
        finishReason = try container.decodeIfPresent(FinishReason.self, forKey: .finishReason)
        logprobs = try container.decodeIfPresent(ChoiceLogprobs.self, forKey: .logprobs)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(delta, forKey: .delta)
        try container.encode(finishReason, forKey: .finishReason)
        try container.encodeIfPresent(logprobs, forKey: .logprobs)
    }
}

/// What a chunk adds to the message being built.
public struct ChatDelta: Codable, Sendable, Hashable {
    public var role: ChatRole?
    public var content: String?
    public var reasoningContent: String?
    public var toolCalls: [ToolCallDelta]?
    public var refusal: String?

    public init(
        role: ChatRole? = nil, content: String? = nil, reasoningContent: String? = nil,
        toolCalls: [ToolCallDelta]? = nil, refusal: String? = nil
    ) {
        self.role = role
        self.content = content
        self.reasoningContent = reasoningContent
        self.toolCalls = toolCalls
        self.refusal = refusal
    }

    private enum CodingKeys: String, CodingKey {
        case role, content, reasoningContent = "reasoning_content", reasoning, toolCalls = "tool_calls", refusal
    }

    /// Reads `reasoning_content` (DeepSeek, DashScope, vLLM) or, failing that, `reasoning` (OpenRouter,
    /// newer vLLM), so that every dialect's reasoning deltas arrive as ``reasoningContent``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decodeIfPresent(ChatRole.self, forKey: .role)
        content = try container.decodeIfPresent(String.self, forKey: .content)
        reasoningContent =
            try container.decodeIfPresent(String.self, forKey: .reasoningContent)
            ?? (try? container.decodeIfPresent(String.self, forKey: .reasoning))
        toolCalls = try container.decodeIfPresent([ToolCallDelta].self, forKey: .toolCalls)
        refusal = try container.decodeIfPresent(String.self, forKey: .refusal)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(role, forKey: .role)
        try container.encodeIfPresent(content, forKey: .content)
        try container.encodeIfPresent(reasoningContent, forKey: .reasoningContent)
        try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
        try container.encodeIfPresent(refusal, forKey: .refusal)
    }
}
