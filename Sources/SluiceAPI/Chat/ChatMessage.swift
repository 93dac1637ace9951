/// One message of a conversation, in any role.
///
/// Fields Sluice does not model (for example DeepSeek's `prefix` or DashScope's `partial`) are kept
/// in ``extra`` and written back out unchanged.
public struct ChatMessage: Sendable, Hashable {
    public var role: ChatRole
    public var content: MessageContent?
    public var name: String?
    /// Calls the assistant made (assistant role only).
    public var toolCalls: [ToolCall]?
    /// The call this message answers (tool role only).
    public var toolCallID: String?
    /// The model's reasoning, as DeepSeek and others return it beside `content`.
    public var reasoningContent: String?
    public var refusal: String?
    /// Members Sluice does not model, kept verbatim.
    public var extra: [String: JSONValue]

    public init(
        role: ChatRole, content: MessageContent? = nil, name: String? = nil, toolCalls: [ToolCall]? = nil,
        toolCallID: String? = nil, reasoningContent: String? = nil, refusal: String? = nil,
        extra: [String: JSONValue] = [:]
    ) {
        self.role = role
        self.content = content
        self.name = name
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.reasoningContent = reasoningContent
        self.refusal = refusal
        self.extra = extra
    }

    /// A message whose content is plain text.
    public static func text(_ role: ChatRole, _ text: String) -> ChatMessage {
        ChatMessage(role: role, content: .text(text))
    }
}

extension ChatMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        var role: ChatRole?
        var extra: [String: JSONValue] = [:]
        for key in container.allKeys {
            switch key.stringValue {
            case "role": role = try container.decode(ChatRole.self, forKey: key)
            case "content": content = try container.decodeIfPresent(MessageContent.self, forKey: key)
            case "name": name = try container.decodeIfPresent(String.self, forKey: key)
            case "tool_calls": toolCalls = try container.decodeIfPresent([ToolCall].self, forKey: key)
            case "tool_call_id": toolCallID = try container.decodeIfPresent(String.self, forKey: key)
            case "reasoning_content": reasoningContent = try container.decodeIfPresent(String.self, forKey: key)
            case "refusal": refusal = try container.decodeIfPresent(String.self, forKey: key)
            default: extra[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
            }
        }
        guard let role else {
            throw DecodingError.keyNotFound(
                AnyCodingKey("role"),
                .init(codingPath: decoder.codingPath, debugDescription: "every message needs a role"))
        }
        // OpenRouter and newer vLLM call the reasoning `reasoning`.
        if reasoningContent == nil, case .string(let reasoning)? = extra["reasoning"] {
            reasoningContent = reasoning
            extra["reasoning"] = nil
        }
        self.role = role
        self.extra = extra
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(role, forKey: AnyCodingKey("role"))
        if let content {
            try container.encode(content, forKey: AnyCodingKey("content"))
        } else if role == .assistant {
            try container.encodeNil(forKey: AnyCodingKey("content"))
        }
        try container.encodeIfPresent(name, forKey: AnyCodingKey("name"))
        try container.encodeIfPresent(toolCalls, forKey: AnyCodingKey("tool_calls"))
        try container.encodeIfPresent(toolCallID, forKey: AnyCodingKey("tool_call_id"))
        try container.encodeIfPresent(reasoningContent, forKey: AnyCodingKey("reasoning_content"))
        try container.encodeIfPresent(refusal, forKey: AnyCodingKey("refusal"))
        for (key, value) in extra {
            try container.encode(value, forKey: AnyCodingKey(key))
        }
    }
}
