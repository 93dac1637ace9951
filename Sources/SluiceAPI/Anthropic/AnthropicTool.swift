/// A client tool the model may call: `{"name","description","input_schema"}`.
///
/// Anthropic's server tools (`web_search_20250305`, `bash_20250124`, …) carry a `type` other than
/// `custom`; they are decoded too, with that ``type`` set, so a translator can refuse them by name.
public struct AnthropicTool: Codable, Sendable, Hashable {
    /// `nil` or `custom` for client tools; the versioned type of a server tool otherwise.
    public var type: String?
    public var name: String
    public var description: String?
    /// The JSON Schema of the tool's `input` (an object schema).
    public var inputSchema: JSONValue?
    public var cacheControl: JSONValue?

    public init(
        name: String, description: String? = nil, inputSchema: JSONValue?, type: String? = nil,
        cacheControl: JSONValue? = nil
    ) {
        self.type = type
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.cacheControl = cacheControl
    }

    /// Whether this is a client tool (one the caller runs), as opposed to an Anthropic server tool.
    public var isClientTool: Bool { type == nil || type == "custom" }

    private enum CodingKeys: String, CodingKey {
        case type, name, description
        case inputSchema = "input_schema"
        case cacheControl = "cache_control"
    }
}

/// `tool_choice`: `auto`, `any`, one named `tool`, or `none`, with `disable_parallel_tool_use`.
public struct AnthropicToolChoice: Codable, Sendable, Hashable {
    /// `auto`, `any`, `tool`, or `none`.
    public var type: String
    /// The tool to use, for `type: tool`.
    public var name: String?
    /// At most (`auto`) or exactly (`any`, `tool`) one tool use when `true`.
    public var disableParallelToolUse: Bool?

    public init(type: String, name: String? = nil, disableParallelToolUse: Bool? = nil) {
        self.type = type
        self.name = name
        self.disableParallelToolUse = disableParallelToolUse
    }

    private enum CodingKeys: String, CodingKey {
        case type, name
        case disableParallelToolUse = "disable_parallel_tool_use"
    }
}
