/// One input message of a Messages request: a `user` or `assistant` turn.
public struct AnthropicMessage: Codable, Sendable, Hashable {
    /// `user` or `assistant` (the Messages API has no `system` role; see ``AnthropicMessagesRequest/system``).
    public var role: String
    public var content: AnthropicMessageContent

    public init(role: String, content: AnthropicMessageContent) {
        self.role = role
        self.content = content
    }
}

/// A string (shorthand for one text block) or an array of content blocks. The Messages API uses this
/// shape for a message's `content`, the top-level `system` prompt, and a `tool_result`'s `content`.
public enum AnthropicContent: Sendable, Hashable {
    case text(String)
    case blocks([AnthropicContentBlock])

    /// The content as blocks (a string becomes one text block).
    public var blocks: [AnthropicContentBlock] {
        switch self {
        case .text(let text): [.text(text)]
        case .blocks(let blocks): blocks
        }
    }

    /// The text blocks, in order.
    public var texts: [String] {
        switch self {
        case .text(let text): return [text]
        case .blocks(let blocks):
            var result: [String] = []
            for case .text(let text, _) in blocks { result.append(text) }
            return result
        }
    }

    /// All text blocks joined without separators.
    public var text: String { texts.joined() }
}

/// A message's `content`.
public typealias AnthropicMessageContent = AnthropicContent
/// The top-level `system` prompt (its text blocks may carry `cache_control`).
public typealias AnthropicSystemPrompt = AnthropicContent
/// A `tool_result` block's `content`.
public typealias AnthropicToolResultContent = AnthropicContent

extension AnthropicContent: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .blocks(try container.decode([AnthropicContentBlock].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .blocks(let blocks): try container.encode(blocks)
        }
    }
}
