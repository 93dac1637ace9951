/// A tool the model may call. Only function tools are defined by Chat Completions.
public struct Tool: Codable, Sendable, Hashable {
    public var type: String
    public var function: FunctionDefinition

    public init(function: FunctionDefinition) {
        self.type = "function"
        self.function = function
    }
}

/// A callable function: its name, description, and JSON Schema for the arguments.
public struct FunctionDefinition: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    public var parameters: JSONValue?
    public var strict: Bool?

    public init(name: String, description: String? = nil, parameters: JSONValue? = nil, strict: Bool? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.strict = strict
    }
}

/// How the model may use tools: `"none"`, `"auto"`, `"required"`, or one named function.
public enum ToolChoice: Sendable, Hashable {
    case none
    case auto
    case required
    case function(name: String)
}

extension ToolChoice: Codable {
    private struct Named: Codable {
        struct Function: Codable { var name: String }
        var type: String
        var function: Function
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let mode = try? container.decode(String.self) {
            switch mode {
            case "none": self = .none
            case "auto": self = .auto
            case "required": self = .required
            default:
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "tool_choice must be \"none\", \"auto\", \"required\", or a function object; got \"\(mode)\""
                )
            }
        } else {
            let named = try container.decode(Named.self)
            guard named.type == "function" else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "tool_choice.type must be \"function\"")
            }
            self = .function(name: named.function.name)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .none: try container.encode("none")
        case .auto: try container.encode("auto")
        case .required: try container.encode("required")
        case .function(let name): try container.encode(Named(type: "function", function: .init(name: name)))
        }
    }
}
