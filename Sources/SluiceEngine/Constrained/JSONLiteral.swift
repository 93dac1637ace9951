/// Compact JSON text for a value (enum and const members, object keys), in the one spelling the
/// constrained output uses.
enum JSONLiteral {
    static func text(_ value: TemplateValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            if number.rounded() == number && abs(number) < 1e15 { return String(Int64(number)) }
            return "\(number)"
        case .string(let string): return quoted(string)
        case .array(let items): return "[" + items.map(text).joined(separator: ",") + "]"
        case .object(let object):
            return "{" + object.entries.map { quoted($0.key) + ":" + text($0.value) }.joined(separator: ",") + "}"
        }
    }

    /// `string` as a JSON string literal (quotes, backslashes and control characters escaped).
    static func quoted(_ string: String) -> String {
        var output: String = ""
        JinjaJSON.writeString(string, into: &output)
        return output
    }

    /// The JSON Schema type names `value` is an instance of.
    static func types(_ value: TemplateValue) -> Set<String> {
        switch value {
        case .null: return ["null"]
        case .bool: return ["boolean"]
        case .int: return ["integer", "number"]
        case .double(let number): return number.rounded() == number ? ["integer", "number"] : ["number"]
        case .string: return ["string"]
        case .array: return ["array"]
        case .object: return ["object"]
        }
    }
}
