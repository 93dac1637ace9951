/// The output format the caller asks for.
public enum ResponseFormat: Sendable, Hashable {
    /// Free text (the default).
    case text
    /// Any valid JSON object.
    case jsonObject
    /// JSON that validates against the given schema.
    case jsonSchema(JSONSchemaFormat)
}

/// The `json_schema` member of `response_format`.
public struct JSONSchemaFormat: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    public var schema: JSONValue?
    public var strict: Bool?

    public init(name: String, description: String? = nil, schema: JSONValue?, strict: Bool? = nil) {
        self.name = name
        self.description = description
        self.schema = schema
        self.strict = strict
    }
}

extension ResponseFormat: Codable {
    private enum CodingKeys: String, CodingKey { case type, jsonSchema = "json_schema" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text": self = .text
        case "json_object": self = .jsonObject
        case "json_schema": self = .jsonSchema(try container.decode(JSONSchemaFormat.self, forKey: .jsonSchema))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "response_format.type must be \"text\", \"json_object\", or \"json_schema\"; got \"\(type)\""
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text: try container.encode("text", forKey: .type)
        case .jsonObject: try container.encode("json_object", forKey: .type)
        case .jsonSchema(let format):
            try container.encode("json_schema", forKey: .type)
            try container.encode(format, forKey: .jsonSchema)
        }
    }
}
