/// Why Anthropic stopped generating. Open-ended: new values are kept as they came.
public struct AnthropicStopReason: RawRepresentable, Codable, Sendable, Hashable, ExpressibleByStringLiteral {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The model reached a natural stopping point.
    public static let endTurn: AnthropicStopReason = "end_turn"
    /// The output hit `max_tokens` or the model's limit.
    public static let maxTokens: AnthropicStopReason = "max_tokens"
    /// One of the `stop_sequences` was generated.
    public static let stopSequence: AnthropicStopReason = "stop_sequence"
    /// The model called one or more tools.
    public static let toolUse: AnthropicStopReason = "tool_use"
    /// A long-running turn was paused; send the response back to continue.
    public static let pauseTurn: AnthropicStopReason = "pause_turn"
    /// Streaming classifiers intervened.
    public static let refusal: AnthropicStopReason = "refusal"
}
