/// An OpenAI Chat Completions request, the canonical request every room speaks.
///
/// Members Sluice does not model are kept in ``extra`` and forwarded to OpenAI-compatible upstreams
/// unchanged. The `sluice` member is Sluice's own namespaced extension and is never forwarded.
public struct ChatRequest: Sendable, Hashable {
    public var model: String
    public var messages: [ChatMessage]
    public var stream: Bool?
    public var streamOptions: StreamOptions?
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var maxCompletionTokens: Int?
    public var stop: StopSequences?
    public var seed: Int64?
    public var n: Int?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    public var logitBias: [String: Double]?
    public var logprobs: Bool?
    public var topLogprobs: Int?
    public var user: String?
    public var metadata: JSONValue?
    public var tools: [Tool]?
    public var toolChoice: ToolChoice?
    public var parallelToolCalls: Bool?
    public var responseFormat: ResponseFormat?
    /// `minimal`, `low`, `medium`, `high`, or `none` (thinking off).
    public var reasoningEffort: String?
    /// Sluice's own request options (namespaced, never forwarded upstream).
    public var sluice: JSONValue?
    /// Members Sluice does not model, forwarded verbatim to OpenAI-compatible upstreams.
    public var extra: [String: JSONValue]

    public init(model: String, messages: [ChatMessage], extra: [String: JSONValue] = [:]) {
        self.model = model
        self.messages = messages
        self.extra = extra
    }

    /// Whether the caller asked for a stream.
    public var isStreaming: Bool { stream ?? false }

    /// The output token limit, whichever of the two spellings the caller used.
    public var outputTokenLimit: Int? { maxCompletionTokens ?? maxTokens }

    /// Whether the caller asked for the usage chunk at the end of a stream.
    public var includeUsageInStream: Bool { streamOptions?.includeUsage ?? false }
}

/// `stream_options`.
public struct StreamOptions: Codable, Sendable, Hashable {
    public var includeUsage: Bool?

    public init(includeUsage: Bool?) { self.includeUsage = includeUsage }

    private enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
}

extension ChatRequest: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        var model: String?
        var messages: [ChatMessage]?
        var extra: [String: JSONValue] = [:]
        var request = ChatRequest(model: "", messages: [])
        for key in c.allKeys {
            switch key.stringValue {
            case "model": model = try c.decode(String.self, forKey: key)
            case "messages": messages = try c.decode([ChatMessage].self, forKey: key)
            case "stream": request.stream = try c.decodeIfPresent(Bool.self, forKey: key)
            case "stream_options": request.streamOptions = try c.decodeIfPresent(StreamOptions.self, forKey: key)
            case "temperature": request.temperature = try c.decodeIfPresent(Double.self, forKey: key)
            case "top_p": request.topP = try c.decodeIfPresent(Double.self, forKey: key)
            case "max_tokens": request.maxTokens = try c.decodeIfPresent(Int.self, forKey: key)
            case "max_completion_tokens": request.maxCompletionTokens = try c.decodeIfPresent(Int.self, forKey: key)
            case "stop": request.stop = try c.decodeIfPresent(StopSequences.self, forKey: key)
            case "seed": request.seed = try c.decodeIfPresent(Int64.self, forKey: key)
            case "n": request.n = try c.decodeIfPresent(Int.self, forKey: key)
            case "presence_penalty": request.presencePenalty = try c.decodeIfPresent(Double.self, forKey: key)
            case "frequency_penalty": request.frequencyPenalty = try c.decodeIfPresent(Double.self, forKey: key)
            case "logit_bias": request.logitBias = try c.decodeIfPresent([String: Double].self, forKey: key)
            case "logprobs": request.logprobs = try c.decodeIfPresent(Bool.self, forKey: key)
            case "top_logprobs": request.topLogprobs = try c.decodeIfPresent(Int.self, forKey: key)
            case "user": request.user = try c.decodeIfPresent(String.self, forKey: key)
            case "metadata": request.metadata = try c.decodeIfPresent(JSONValue.self, forKey: key)
            case "tools": request.tools = try c.decodeIfPresent([Tool].self, forKey: key)
            case "tool_choice": request.toolChoice = try c.decodeIfPresent(ToolChoice.self, forKey: key)
            case "parallel_tool_calls": request.parallelToolCalls = try c.decodeIfPresent(Bool.self, forKey: key)
            case "response_format": request.responseFormat = try c.decodeIfPresent(ResponseFormat.self, forKey: key)
            case "reasoning_effort": request.reasoningEffort = try c.decodeIfPresent(String.self, forKey: key)
            case "sluice": request.sluice = try c.decodeIfPresent(JSONValue.self, forKey: key)
            default: extra[key.stringValue] = try c.decode(JSONValue.self, forKey: key)
            }
        }
        guard let model else {
            throw DecodingError.keyNotFound(
                AnyCodingKey("model"), .init(codingPath: [], debugDescription: "you must provide a model parameter"))
        }
        guard let messages else {
            throw DecodingError.keyNotFound(
                AnyCodingKey("messages"), .init(codingPath: [], debugDescription: "messages is required"))
        }
        request.model = model
        request.messages = messages
        request.extra = extra
        self = request
    }

    /// Encodes the request for an OpenAI-compatible upstream: every modelled member that is set, then
    /// the pass-through members. The `sluice` extension is not written.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(model, forKey: AnyCodingKey("model"))
        try c.encode(messages, forKey: AnyCodingKey("messages"))
        try c.encodeIfPresent(stream, forKey: AnyCodingKey("stream"))
        try c.encodeIfPresent(streamOptions, forKey: AnyCodingKey("stream_options"))
        try c.encodeIfPresent(temperature, forKey: AnyCodingKey("temperature"))
        try c.encodeIfPresent(topP, forKey: AnyCodingKey("top_p"))
        try c.encodeIfPresent(maxTokens, forKey: AnyCodingKey("max_tokens"))
        try c.encodeIfPresent(maxCompletionTokens, forKey: AnyCodingKey("max_completion_tokens"))
        try c.encodeIfPresent(stop, forKey: AnyCodingKey("stop"))
        try c.encodeIfPresent(seed, forKey: AnyCodingKey("seed"))
        try c.encodeIfPresent(n, forKey: AnyCodingKey("n"))
        try c.encodeIfPresent(presencePenalty, forKey: AnyCodingKey("presence_penalty"))
        try c.encodeIfPresent(frequencyPenalty, forKey: AnyCodingKey("frequency_penalty"))
        try c.encodeIfPresent(logitBias, forKey: AnyCodingKey("logit_bias"))
        try c.encodeIfPresent(logprobs, forKey: AnyCodingKey("logprobs"))
        try c.encodeIfPresent(topLogprobs, forKey: AnyCodingKey("top_logprobs"))
        try c.encodeIfPresent(user, forKey: AnyCodingKey("user"))
        try c.encodeIfPresent(metadata, forKey: AnyCodingKey("metadata"))
        try c.encodeIfPresent(tools, forKey: AnyCodingKey("tools"))
        try c.encodeIfPresent(toolChoice, forKey: AnyCodingKey("tool_choice"))
        try c.encodeIfPresent(parallelToolCalls, forKey: AnyCodingKey("parallel_tool_calls"))
        try c.encodeIfPresent(responseFormat, forKey: AnyCodingKey("response_format"))
        try c.encodeIfPresent(reasoningEffort, forKey: AnyCodingKey("reasoning_effort"))
        for (key, value) in extra {
            try c.encode(value, forKey: AnyCodingKey(key))
        }
    }
}
