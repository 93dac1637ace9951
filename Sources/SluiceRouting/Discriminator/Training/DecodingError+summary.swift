extension DecodingError {
    /// One line for a person: where in the JSON the problem is, and what it is.
    var summary: String {
        switch self {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "\(Self.path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "'\(Self.path(context.codingPath + [key]))' is missing"
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty { return "expected a JSON object" }
            return "'\(Self.path(context.codingPath))' has the wrong type (expected \(Self.name(of: type)))"
        case .valueNotFound(let type, let context):
            return "'\(Self.path(context.codingPath))' is null (expected \(Self.name(of: type)))"
        @unknown default:
            return String(describing: self)
        }
    }

    /// `messages[2].content` from a coding path.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "the line" : text
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array<") { return "an array" }
            if name.hasPrefix("Dictionary<") { return "an object" }
            return name
        }
    }
}
