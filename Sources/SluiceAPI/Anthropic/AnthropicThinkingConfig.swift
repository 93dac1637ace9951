/// `thinking`: extended thinking on with a token budget, or off.
///
/// The budget must be at least 1,024 tokens and less than `max_tokens`.
public enum AnthropicThinkingConfig: Sendable, Hashable {
    /// `{"type":"enabled","budget_tokens":N}`
    case enabled(budgetTokens: Int)
    /// `{"type":"disabled"}`
    case disabled

    /// The smallest budget Anthropic accepts.
    public static let minimumBudget = 1024
}

extension AnthropicThinkingConfig: Codable {
    private enum CodingKeys: String, CodingKey {
        case type
        case budgetTokens = "budget_tokens"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "enabled": self = .enabled(budgetTokens: try container.decode(Int.self, forKey: .budgetTokens))
        case "disabled": self = .disabled
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "thinking.type must be \"enabled\" or \"disabled\"; got \"\(type)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .enabled(let budget):
            try container.encode("enabled", forKey: .type)
            try container.encode(budget, forKey: .budgetTokens)
        case .disabled:
            try container.encode("disabled", forKey: .type)
        }
    }
}
