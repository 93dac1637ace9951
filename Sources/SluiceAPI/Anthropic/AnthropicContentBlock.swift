/// One content block of an Anthropic message, in a request or a response.
///
/// The blocks Sluice translates are modelled; every other type (`document`, `search_result`,
/// `server_tool_use`, `web_search_tool_result`, …) is kept verbatim in ``other(_:)``.
public enum AnthropicContentBlock: Sendable, Hashable {
    /// `{"type":"text","text":…}`, with an optional `cache_control` breakpoint.
    case text(String, cacheControl: JSONValue? = nil)
    /// `{"type":"image","source":…}`
    case image(AnthropicImageSource, cacheControl: JSONValue? = nil)
    /// `{"type":"tool_use","id":…,"name":…,"input":{…}}`
    case toolUse(id: String, name: String, input: JSONValue)
    /// `{"type":"tool_result","tool_use_id":…,"content":…,"is_error":…}`
    case toolResult(AnthropicToolResult)
    /// `{"type":"thinking","thinking":…,"signature":…}`
    case thinking(String, signature: String)
    /// `{"type":"redacted_thinking","data":…}`
    case redactedThinking(data: String)
    /// Any other block type, kept as it came.
    case other(JSONValue)

    /// The block's `type` member.
    public var type: String {
        switch self {
        case .text: "text"
        case .image: "image"
        case .toolUse: "tool_use"
        case .toolResult: "tool_result"
        case .thinking: "thinking"
        case .redactedThinking: "redacted_thinking"
        case .other(let value): value["type"]?.stringValue ?? "unknown"
        }
    }
}

/// The `source` of an image block: base64 data with its media type, or a URL.
public enum AnthropicImageSource: Sendable, Hashable {
    /// `{"type":"base64","media_type":"image/png","data":…}`
    case base64(mediaType: String, data: String)
    /// `{"type":"url","url":…}`
    case url(String)
    /// Any other source (`file`), kept as it came.
    case other(JSONValue)
}

/// A `tool_result` block: the answer to one `tool_use`.
public struct AnthropicToolResult: Sendable, Hashable {
    public var toolUseID: String
    /// A string, or text and image blocks; absent for an empty result.
    public var content: AnthropicToolResultContent?
    public var isError: Bool?
    public var cacheControl: JSONValue?

    public init(
        toolUseID: String, content: AnthropicToolResultContent?, isError: Bool? = nil, cacheControl: JSONValue? = nil
    ) {
        self.toolUseID = toolUseID
        self.content = content
        self.isError = isError
        self.cacheControl = cacheControl
    }
}

extension AnthropicContentBlock: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, text, source, id, name, input, thinking, signature, data
        case cacheControl = "cache_control"
        case toolUseID = "tool_use_id"
        case content
        case isError = "is_error"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "text":
            self = .text(
                try container.decode(String.self, forKey: .text),
                cacheControl: try container.decodeIfPresent(JSONValue.self, forKey: .cacheControl))
        case "image":
            self = .image(
                try container.decode(AnthropicImageSource.self, forKey: .source),
                cacheControl: try container.decodeIfPresent(JSONValue.self, forKey: .cacheControl))
        case "tool_use":
            self = .toolUse(
                id: try container.decode(String.self, forKey: .id),
                name: try container.decode(String.self, forKey: .name),
                input: try container.decodeIfPresent(JSONValue.self, forKey: .input) ?? .object([:]))
        case "tool_result":
            self = .toolResult(
                AnthropicToolResult(
                    toolUseID: try container.decode(String.self, forKey: .toolUseID),
                    content: try container.decodeIfPresent(AnthropicToolResultContent.self, forKey: .content),
                    isError: try container.decodeIfPresent(Bool.self, forKey: .isError),
                    cacheControl: try container.decodeIfPresent(JSONValue.self, forKey: .cacheControl)))
        case "thinking":
            self = .thinking(
                try container.decode(String.self, forKey: .thinking),
                signature: try container.decodeIfPresent(String.self, forKey: .signature) ?? "")
        case "redacted_thinking":
            self = .redactedThinking(data: try container.decode(String.self, forKey: .data))
        default:
            self = .other(try JSONValue(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if case .other(let value) = self {
            try value.encode(to: encoder)
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .text(let text, let cacheControl):
            try container.encode(text, forKey: .text)
            try container.encodeIfPresent(cacheControl, forKey: .cacheControl)
        case .image(let source, let cacheControl):
            try container.encode(source, forKey: .source)
            try container.encodeIfPresent(cacheControl, forKey: .cacheControl)
        case .toolUse(let id, let name, let input):
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(input, forKey: .input)
        case .toolResult(let result):
            try container.encode(result.toolUseID, forKey: .toolUseID)
            try container.encodeIfPresent(result.content, forKey: .content)
            try container.encodeIfPresent(result.isError, forKey: .isError)
            try container.encodeIfPresent(result.cacheControl, forKey: .cacheControl)
        case .thinking(let thinking, let signature):
            try container.encode(thinking, forKey: .thinking)
            try container.encode(signature, forKey: .signature)
        case .redactedThinking(let data):
            try container.encode(data, forKey: .data)
        case .other:
            break
        }
    }
}

extension AnthropicImageSource: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, data, url
        case mediaType = "media_type"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "base64":
            self = .base64(
                mediaType: try container.decode(String.self, forKey: .mediaType),
                data: try container.decode(String.self, forKey: .data))
        case "url":
            self = .url(try container.decode(String.self, forKey: .url))
        default:
            self = .other(try JSONValue(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .base64(let mediaType, let data):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("base64", forKey: .type)
            try container.encode(mediaType, forKey: .mediaType)
            try container.encode(data, forKey: .data)
        case .url(let url):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("url", forKey: .type)
            try container.encode(url, forKey: .url)
        case .other(let value):
            try value.encode(to: encoder)
        }
    }
}
