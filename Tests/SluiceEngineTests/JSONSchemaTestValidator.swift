import Foundation

/// A deliberately independent, minimal JSON Schema validator for the constrained-decoding tests: it
/// works on Foundation's `JSONSerialization` output and shares no code with the engine's compiler.
struct JSONSchemaTestValidator {
    let root: [String: Any]

    init(schema json: String) {
        root = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
    }

    /// The first violation, or nil when `value` validates.
    func violation(_ value: Any) -> String? {
        check(value, root, at: "$")
    }

    private func resolve(_ reference: String) -> [String: Any]? {
        if reference == "#" { return root }
        var node: Any = root
        for part in reference.dropFirst(2).split(separator: "/") {
            guard let object = node as? [String: Any], let next = object[String(part)] else { return nil }
            node = next
        }
        return node as? [String: Any]
    }

    private func check(_ value: Any, _ schema: [String: Any], at path: String) -> String? {
        if let reference = schema["$ref"] as? String {
            guard let target = resolve(reference) else { return "\(path): unresolved \(reference)" }
            return check(value, target, at: path)
        }
        if let branches = schema["anyOf"] as? [[String: Any]] {
            if branches.allSatisfy({ check(value, $0, at: path) != nil }) { return "\(path): matches no anyOf branch" }
        }
        if let all = schema["allOf"] as? [[String: Any]] {
            for branch in all { if let problem = check(value, branch, at: path) { return problem } }
        }
        if let type = schema["type"] {
            let names = (type as? [String]) ?? [type as? String ?? ""]
            if !names.contains(where: { Self.isType(value, $0) }) { return "\(path): not of type \(names)" }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal($0, value) }) {
            return "\(path): not in enum"
        }
        if schema.keys.contains("const"), !Self.equal(schema["const"]!, value) { return "\(path): not the const" }
        if let text = value as? String {
            let length = text.unicodeScalars.count
            if let min = schema["minLength"] as? Int, length < min { return "\(path): shorter than \(min)" }
            if let max = schema["maxLength"] as? Int, length > max { return "\(path): longer than \(max)" }
        }
        if let items = value as? [Any] {
            if let min = schema["minItems"] as? Int, items.count < min { return "\(path): fewer than \(min) items" }
            if let max = schema["maxItems"] as? Int, items.count > max { return "\(path): more than \(max) items" }
            if let itemSchema = schema["items"] as? [String: Any] {
                for (index, item) in items.enumerated() {
                    if let problem = check(item, itemSchema, at: "\(path)[\(index)]") { return problem }
                }
            }
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                return "\(path): missing \(name)"
            }
            for (key, member) in object {
                if let propertySchema = properties[key] {
                    if let problem = check(member, propertySchema, at: "\(path).\(key)") { return problem }
                } else if let additional = schema["additionalProperties"] {
                    if (additional as? Bool) == false { return "\(path): unexpected key \(key)" }
                    if let additionalSchema = additional as? [String: Any],
                        let problem = check(member, additionalSchema, at: "\(path).\(key)")
                    {
                        return problem
                    }
                }
            }
        }
        return nil
    }

    static func isBool(_ value: Any) -> Bool {
        String(describing: type(of: value)).contains("Boolean") || type(of: value) == Bool.self
    }

    static func isType(_ value: Any, _ name: String) -> Bool {
        switch name {
        case "null": return value is NSNull
        case "boolean": return isBool(value)
        case "string": return value is String
        case "array": return value is [Any]
        case "object": return value is [String: Any]
        case "number": return value is NSNumber && !isBool(value)
        case "integer":
            guard let number = value as? NSNumber, !isBool(value) else { return false }
            return number.doubleValue.rounded() == number.doubleValue
        default: return false
        }
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        if a is NSNull || b is NSNull { return a is NSNull && b is NSNull }
        if isBool(a) || isBool(b) { return isBool(a) && isBool(b) && (a as? NSNumber)?.boolValue == (b as? NSNumber)?.boolValue }
        if let x = a as? NSNumber, let y = b as? NSNumber { return x.doubleValue == y.doubleValue }
        if let x = a as? String, let y = b as? String { return x == y }
        if let x = a as? [Any], let y = b as? [Any] { return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) } }
        if let x = a as? [String: Any], let y = b as? [String: Any] {
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        }
        return false
    }
}
