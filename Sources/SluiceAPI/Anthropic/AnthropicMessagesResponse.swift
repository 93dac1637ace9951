/// A Messages API response: the `Message` object (also the `message` of a `message_start` event,
/// where `content` is empty and `stop_reason` is `null`).
public struct AnthropicMessagesResponse: Sendable, Hashable {
    public var id: String
    /// Always `message`.
    public var type: String
    /// Always `assistant`.
    public var role: String
    public var content: [AnthropicContentBlock]
    public var model: String
    public var stopReason: AnthropicStopReason?
    /// The custom stop sequence that was generated, if any.
    public var stopSequence: String?
    /// Absent in some `message_start` events.
    public var usage: AnthropicUsage?

    public init(
        id: String, content: [AnthropicContentBlock], model: String, stopReason: AnthropicStopReason?,
        stopSequence: String? = nil, usage: AnthropicUsage?
    ) {
        self.id = id
        self.type = "message"
        self.role = "assistant"
        self.content = content
        self.model = model
        self.stopReason = stopReason
        self.stopSequence = stopSequence
        self.usage = usage
    }
}

extension AnthropicMessagesResponse: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, type, role, content, model, usage
        case stopReason = "stop_reason"
        case stopSequence = "stop_sequence"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "message"
        role = try container.decodeIfPresent(String.self, forKey: .role) ?? "assistant"
        content = try container.decodeIfPresent([AnthropicContentBlock].self, forKey: .content) ?? []
        model = try container.decodeIfPresent(String.self, forKey: .model) ?? ""
        stopReason = try container.decodeIfPresent(AnthropicStopReason.self, forKey: .stopReason)
        stopSequence = try container.decodeIfPresent(String.self, forKey: .stopSequence)
        usage = try container.decodeIfPresent(AnthropicUsage.self, forKey: .usage)
    }

    /// Writes every documented member; `stop_reason` and `stop_sequence` as `null` when absent.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(role, forKey: .role)
        try container.encode(content, forKey: .content)
        try container.encode(model, forKey: .model)
        try container.encode(stopReason, forKey: .stopReason)
        try container.encode(stopSequence, forKey: .stopSequence)
        try container.encodeIfPresent(usage, forKey: .usage)
    }
}
