/// Turns a `DecodingError` into a 400 that names the parameter at fault.
extension APIError {
    public init(decoding error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            let path = APIError.path(context.codingPath + [key])
            let detail = context.debugDescription.hasPrefix("No value associated") ? "" : " (\(context.debugDescription))"
            self = .invalidRequest("Missing required parameter: '\(path)'.\(detail)", param: path, code: "missing_required_parameter")
        case .typeMismatch(let type, let context):
            let path = APIError.path(context.codingPath)
            self = .invalidRequest(
                "Invalid type for '\(path)': expected \(APIError.describe(type)).", param: path, code: "invalid_type")
        case .valueNotFound(let type, let context):
            let path = APIError.path(context.codingPath)
            self = .invalidRequest(
                "Invalid value for '\(path)': expected \(APIError.describe(type)), got null.", param: path,
                code: "invalid_type")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                self = .invalidRequest(
                    "We could not parse the JSON body of your request. (\(context.debugDescription))",
                    code: "invalid_json")
            } else {
                let path = APIError.path(context.codingPath)
                self = .invalidRequest("Invalid value for '\(path)': \(context.debugDescription)", param: path, code: "invalid_value")
            }
        @unknown default:
            self = .invalidRequest("The request body is invalid.")
        }
    }

    /// `messages[0].content` style path for a coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else if key.stringValue.hasPrefix("Index "), let index = Int(key.stringValue.dropFirst(6)) {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return result
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is [Any].Type: return "an array"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") || name.hasPrefix("KeyedDecodingContainer") { return "an object" }
            return "a valid value"
        }
    }
}
