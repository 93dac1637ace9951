/// A function call the assistant asked for, as it appears in a complete message.
public struct ToolCall: Codable, Sendable, Hashable {
    public var id: String
    public var type: String
    public var function: FunctionCall

    public init(id: String, type: String = "function", function: FunctionCall) {
        self.id = id
        self.type = type
        self.function = function
    }
}

/// The name of the function and its arguments, a JSON document encoded as a string.
public struct FunctionCall: Codable, Sendable, Hashable {
    public var name: String
    public var arguments: String

    public init(name: String, arguments: String) {
        self.name = name
        self.arguments = arguments
    }
}

/// A fragment of a tool call inside a stream chunk. Fragments with the same `index` belong together:
/// the first carries `id`, `type`, and the name; later ones append to `arguments`.
public struct ToolCallDelta: Codable, Sendable, Hashable {
    public var index: Int
    public var id: String?
    public var type: String?
    public var function: FunctionCallDelta?

    public init(index: Int, id: String? = nil, type: String? = nil, function: FunctionCallDelta? = nil) {
        self.index = index
        self.id = id
        self.type = type
        self.function = function
    }
}

/// A fragment of a function call's name and arguments.
public struct FunctionCallDelta: Codable, Sendable, Hashable {
    public var name: String?
    public var arguments: String?

    public init(name: String? = nil, arguments: String? = nil) {
        self.name = name
        self.arguments = arguments
    }
}
