/// A `POST /v1/messages` request body, as Anthropic documents it.
///
/// `max_tokens` is required by Anthropic; it is optional here so that a receiver can answer its absence
/// with Anthropic's own 400 rather than a decoding failure. Members not modelled (`service_tier`,
/// `mcp_servers`, `container`, …) are kept in ``extra`` and written back out unchanged.
public struct AnthropicMessagesRequest: Sendable, Hashable {
    public var model: String
    public var messages: [AnthropicMessage]
    public var maxTokens: Int?
    public var system: AnthropicSystemPrompt?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var stopSequences: [String]?
    public var stream: Bool?
    public var metadata: AnthropicMetadata?
    public var tools: [AnthropicTool]?
    public var toolChoice: AnthropicToolChoice?
    public var thinking: AnthropicThinkingConfig?
    /// Members not modelled above, kept verbatim.
    public var extra: [String: JSONValue]

    public init(
        model: String, messages: [AnthropicMessage], maxTokens: Int?, extra: [String: JSONValue] = [:]
    ) {
        self.model = model
        self.messages = messages
        self.maxTokens = maxTokens
        self.extra = extra
    }
}

/// `metadata`: an opaque id of the end user.
public struct AnthropicMetadata: Codable, Sendable, Hashable {
    public var userID: String?

    public init(userID: String?) { self.userID = userID }

    private enum CodingKeys: String, CodingKey { case userID = "user_id" }
}

extension AnthropicMessagesRequest: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        var request = AnthropicMessagesRequest(model: "", messages: [], maxTokens: nil)
        var model: String?
        var messages: [AnthropicMessage]?
        for key in c.allKeys {
            switch key.stringValue {
            case "model": model = try c.decode(String.self, forKey: key)
            case "messages": messages = try c.decode([AnthropicMessage].self, forKey: key)
            case "max_tokens": request.maxTokens = try c.decodeIfPresent(Int.self, forKey: key)
            case "system": request.system = try c.decodeIfPresent(AnthropicSystemPrompt.self, forKey: key)
            case "temperature": request.temperature = try c.decodeIfPresent(Double.self, forKey: key)
            case "top_p": request.topP = try c.decodeIfPresent(Double.self, forKey: key)
            case "top_k": request.topK = try c.decodeIfPresent(Int.self, forKey: key)
            case "stop_sequences": request.stopSequences = try c.decodeIfPresent([String].self, forKey: key)
            case "stream": request.stream = try c.decodeIfPresent(Bool.self, forKey: key)
            case "metadata": request.metadata = try c.decodeIfPresent(AnthropicMetadata.self, forKey: key)
            case "tools": request.tools = try c.decodeIfPresent([AnthropicTool].self, forKey: key)
            case "tool_choice": request.toolChoice = try c.decodeIfPresent(AnthropicToolChoice.self, forKey: key)
            case "thinking": request.thinking = try c.decodeIfPresent(AnthropicThinkingConfig.self, forKey: key)
            default: request.extra[key.stringValue] = try c.decode(JSONValue.self, forKey: key)
            }
        }
        guard let model else {
            throw DecodingError.keyNotFound(
                AnyCodingKey("model"), .init(codingPath: [], debugDescription: "model: Field required"))
        }
        guard let messages else {
            throw DecodingError.keyNotFound(
                AnyCodingKey("messages"), .init(codingPath: [], debugDescription: "messages: Field required"))
        }
        request.model = model
        request.messages = messages
        self = request
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(model, forKey: AnyCodingKey("model"))
        try c.encode(messages, forKey: AnyCodingKey("messages"))
        try c.encodeIfPresent(maxTokens, forKey: AnyCodingKey("max_tokens"))
        try c.encodeIfPresent(system, forKey: AnyCodingKey("system"))
        try c.encodeIfPresent(temperature, forKey: AnyCodingKey("temperature"))
        try c.encodeIfPresent(topP, forKey: AnyCodingKey("top_p"))
        try c.encodeIfPresent(topK, forKey: AnyCodingKey("top_k"))
        try c.encodeIfPresent(stopSequences, forKey: AnyCodingKey("stop_sequences"))
        try c.encodeIfPresent(stream, forKey: AnyCodingKey("stream"))
        try c.encodeIfPresent(metadata, forKey: AnyCodingKey("metadata"))
        try c.encodeIfPresent(tools, forKey: AnyCodingKey("tools"))
        try c.encodeIfPresent(toolChoice, forKey: AnyCodingKey("tool_choice"))
        try c.encodeIfPresent(thinking, forKey: AnyCodingKey("thinking"))
        for (key, value) in extra {
            try c.encode(value, forKey: AnyCodingKey(key))
        }
    }
}
