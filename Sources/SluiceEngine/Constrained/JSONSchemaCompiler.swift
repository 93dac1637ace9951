import Foundation

/// Compiles a JSON Schema into a ``JSONGrammar`` whose every complete output is compact JSON (at most one
/// space after `:` and `,`) that validates against the schema.
///
/// Supported: `type` (one name or a list), `enum`, `const`, `anyOf`, `allOf` with one member, `$ref` to
/// `#`, `#/$defs/...`, `#/definitions/...` or any other pointer into the schema (recursion included);
/// objects (`properties`, `required`, `additionalProperties`), arrays (`items`, `minItems`, `maxItems`,
/// `uniqueItems: false`), strings (`minLength`, `maxLength`), numbers, integers, booleans and null.
/// Annotations (`title`, `description`, `default`, `examples`, `$schema`, `$id`, `$comment`,
/// `deprecated`, `readOnly`, `writeOnly`) are ignored. Any other keyword throws
/// ``JSONSchemaError/unsupportedKeyword(_:path:)`` rather than being silently dropped.
///
/// Objects: properties come out in a fixed order, the `required` ones first (in `required` order), then
/// the optional ones (in `properties` order), each optional one present or not. Only declared properties
/// are generated, whatever `additionalProperties` says (an output without extra keys validates either
/// way); an object schema without `properties` allows any keys (or none with `additionalProperties:
/// false`, or values of the `additionalProperties` schema).
public struct JSONSchemaCompiler {
    static let annotations: Set<String> = [
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly",
        "writeOnly", "$defs", "definitions",
    ]
    static let supported: Set<String> = [
        "type", "enum", "const", "anyOf", "allOf", "$ref", "properties", "required", "additionalProperties",
        "items", "minItems", "maxItems", "uniqueItems", "minLength", "maxLength",
    ]
    /// Upper bound on counted repetitions (`maxItems`, `maxLength`, ...), which compile to one rule per count.
    static let maxCount: Int = 4096

    let root: TemplateValue
    var builder: JSONGrammarBuilder = JSONGrammarBuilder()
    var shared: JSONValueRules = JSONValueRules()
    var refs: [String: Int] = [:]

    /// Compiles `schema` (a JSON Schema as parsed JSON).
    public static func compile(_ schema: TemplateValue) throws(JSONSchemaError) -> JSONGrammar {
        var compiler: JSONSchemaCompiler = JSONSchemaCompiler(root: schema)
        let rule: Int = try compiler.refRule("#", path: "")
        return try compiler.builder.build(root: rule)
    }

    /// Compiles JSON Schema text.
    public static func compile(json: String) throws(JSONSchemaError) -> JSONGrammar {
        let schema: TemplateValue
        do {
            schema = try TemplateValue(json: json)
        } catch {
            throw JSONSchemaError.invalidSchema(path: "", reason: "not JSON: \(error)")
        }
        return try compile(schema)
    }

    /// The grammar of any JSON object (`response_format: {"type": "json_object"}`).
    public static func anyObject() -> JSONGrammar {
        var compiler: JSONSchemaCompiler = JSONSchemaCompiler(root: .bool(true))
        let rule: Int = compiler.shared.object(&compiler.builder)
        // A free object always has a finite instance (`{}`).
        return try! compiler.builder.build(root: rule)
    }

    init(root: TemplateValue) {
        self.root = root
    }

    /// The rule of the schema at a `$ref` (compiled once, so recursive references terminate).
    mutating func refRule(_ reference: String, path: String) throws(JSONSchemaError) -> Int {
        if let known: Int = refs[reference] { return known }
        guard reference == "#" || reference.hasPrefix("#/") else {
            throw JSONSchemaError.unsupportedValue(keyword: "$ref", path: path, reason: "only references inside the schema ('#/...') are supported, not '\(reference)'")
        }
        let pointer: String = String(reference.dropFirst())
        var target: TemplateValue = root
        for raw: Substring in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let token: String = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let member: TemplateValue = target[token] {
                target = member
            } else if let items: [TemplateValue] = target.arrayValue, let index: Int = Int(token), items.indices.contains(index) {
                target = items[index]
            } else {
                throw JSONSchemaError.invalidSchema(path: path, reason: "$ref '\(reference)' points to nothing")
            }
        }
        let rule: Int = builder.reserve()
        refs[reference] = rule
        let body: Int = try schemaRule(target, path: pointer)
        builder.define(rule, [[.rule(body)]])
        return rule
    }

    /// The rule of the schema `schema` found at `path`.
    mutating func schemaRule(_ schema: TemplateValue, path: String) throws(JSONSchemaError) -> Int {
        let object: TemplateObject
        switch schema {
        case .bool(true): return shared.value(&builder)
        case .bool(false): throw JSONSchemaError.unsatisfiable(path: path, reason: "the schema is false")
        case .object(let members): object = members
        default: throw JSONSchemaError.invalidSchema(path: path, reason: "a schema must be an object or a boolean")
        }
        for key: String in object.keys where !Self.annotations.contains(key) && !Self.supported.contains(key) {
            throw JSONSchemaError.unsupportedKeyword(key, path: path)
        }
        let keywords: [String] = object.keys.filter { !Self.annotations.contains($0) }
        if let reference: TemplateValue = object["$ref"] {
            if let other: String = keywords.first(where: { $0 != "$ref" }) {
                throw JSONSchemaError.unsupportedValue(keyword: other, path: path, reason: "keywords alongside '$ref' are not supported")
            }
            guard let text: String = reference.stringValue else {
                throw JSONSchemaError.invalidSchema(path: path, reason: "$ref must be a string")
            }
            return try refRule(text, path: path)
        }
        if let all: TemplateValue = object["allOf"] {
            guard let members: [TemplateValue] = all.arrayValue, members.count == 1, keywords.count == 1 else {
                throw JSONSchemaError.unsupportedValue(keyword: "allOf", path: path, reason: "only an allOf with a single schema and no other keywords is supported")
            }
            return try schemaRule(members[0], path: path + "/allOf/0")
        }
        if let any: TemplateValue = object["anyOf"] {
            if let other: String = keywords.first(where: { $0 != "anyOf" }) {
                throw JSONSchemaError.unsupportedValue(keyword: other, path: path, reason: "keywords alongside 'anyOf' are not supported (move them into each branch)")
            }
            guard let members: [TemplateValue] = any.arrayValue, !members.isEmpty else {
                throw JSONSchemaError.invalidSchema(path: path, reason: "anyOf must be a non-empty array")
            }
            var alternatives: [[JSONGrammarItem]] = []
            for (index, member): (Int, TemplateValue) in members.enumerated() {
                alternatives.append([.rule(try schemaRule(member, path: path + "/anyOf/\(index)"))])
            }
            return builder.add(alternatives)
        }
        let types: [String] = try Self.types(object, path: path)
        if object["enum"] != nil || object["const"] != nil {
            return try literalRule(object, types: types, path: path)
        }
        var alternatives: [[JSONGrammarItem]] = []
        for type: String in types {
            alternatives.append([.rule(try typedRule(type, object, path: path))])
        }
        return builder.add(alternatives)
    }

    /// The types the schema allows: its `type`, or what its keywords imply, or every type.
    static func types(_ object: TemplateObject, path: String) throws(JSONSchemaError) -> [String] {
        let known: [String] = ["object", "array", "string", "number", "integer", "boolean", "null"]
        guard let type: TemplateValue = object["type"] else {
            if object["properties"] != nil || object["required"] != nil || object["additionalProperties"] != nil {
                return ["object"]
            }
            if object["items"] != nil || object["minItems"] != nil || object["maxItems"] != nil { return ["array"] }
            if object["minLength"] != nil || object["maxLength"] != nil { return ["string"] }
            return ["any"]
        }
        let names: [TemplateValue] = type.arrayValue ?? [type]
        var result: [String] = []
        for name: TemplateValue in names {
            guard let text: String = name.stringValue, known.contains(text) else {
                throw JSONSchemaError.invalidSchema(path: path, reason: "unknown type \(JSONLiteral.text(name))")
            }
            // "number" already covers "integer".
            if text == "integer" && names.contains(.string("number")) { continue }
            if !result.contains(text) { result.append(text) }
        }
        guard !result.isEmpty else { throw JSONSchemaError.invalidSchema(path: path, reason: "type lists no type") }
        return result
    }

    /// `enum` / `const`: the members of the allowed types, spelled as compact JSON.
    mutating func literalRule(_ object: TemplateObject, types: [String], path: String) throws(JSONSchemaError) -> Int {
        var values: [TemplateValue]
        if let members: TemplateValue = object["enum"] {
            guard let list: [TemplateValue] = members.arrayValue else {
                throw JSONSchemaError.invalidSchema(path: path, reason: "enum must be an array")
            }
            values = list
        } else {
            values = []
        }
        if let constant: TemplateValue = object["const"] {
            values = object["enum"] == nil || values.contains(constant) ? [constant] : []
        }
        let minLength: Int = try Self.count(object, "minLength", path: path) ?? 0
        let maxLength: Int? = try Self.count(object, "maxLength", path: path)
        values = values.filter { (value: TemplateValue) -> Bool in
            guard types == ["any"] || !JSONLiteral.types(value).isDisjoint(with: types) else { return false }
            if case .string(let text) = value {
                let length: Int = text.unicodeScalars.count
                return length >= minLength && length <= (maxLength ?? Int.max)
            }
            return true
        }
        guard !values.isEmpty else {
            throw JSONSchemaError.unsatisfiable(path: path, reason: "no enum/const value matches the other keywords")
        }
        return builder.add(values.map { JSONGrammarItem.literal(JSONLiteral.text($0)) })
    }

    /// A non-negative integer keyword, if present.
    static func count(_ object: TemplateObject, _ keyword: String, path: String) throws(JSONSchemaError) -> Int? {
        guard let value: TemplateValue = object[keyword] else { return nil }
        let number: Int
        switch value {
        case .int(let integer): number = integer
        case .double(let real) where real.rounded() == real && abs(real) < 1e9: number = Int(real)
        default: throw JSONSchemaError.invalidSchema(path: path, reason: "\(keyword) must be a non-negative integer")
        }
        guard number >= 0 else { throw JSONSchemaError.invalidSchema(path: path, reason: "\(keyword) must be a non-negative integer") }
        guard number <= maxCount else {
            throw JSONSchemaError.unsupportedValue(keyword: keyword, path: path, reason: "at most \(maxCount) is supported")
        }
        return number
    }
}
