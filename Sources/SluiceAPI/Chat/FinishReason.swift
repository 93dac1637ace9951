/// Why a choice ended. Open-ended: upstreams add their own values (DeepSeek's
/// `insufficient_system_resource`), which are kept as they came.
public struct FinishReason: RawRepresentable, Codable, Sendable, Hashable, ExpressibleByStringLiteral {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let stop: FinishReason = "stop"
    public static let length: FinishReason = "length"
    public static let toolCalls: FinishReason = "tool_calls"
    public static let contentFilter: FinishReason = "content_filter"
}
