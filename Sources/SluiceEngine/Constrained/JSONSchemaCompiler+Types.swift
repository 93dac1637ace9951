import Foundation

extension JSONSchemaCompiler {
    /// The rule for one type name of a schema object.
    mutating func typedRule(_ type: String, _ object: TemplateObject, path: String) throws(JSONSchemaError) -> Int {
        switch type {
        case "object": return try objectRule(object, path: path)
        case "array": return try arrayRule(object, path: path)
        case "string":
            let min: Int = try Self.count(object, "minLength", path: path) ?? 0
            let max: Int? = try Self.count(object, "maxLength", path: path)
            if let max, max < min { throw JSONSchemaError.unsatisfiable(path: path, reason: "maxLength < minLength") }
            if min == 0 && max == nil { return shared.string(&builder) }
            return JSONValueRules.string(&builder, min: min, max: max)
        case "integer": return shared.integer(&builder)
        case "number": return shared.number(&builder)
        case "boolean": return shared.boolean(&builder)
        case "null": return shared.null(&builder)
        default: return shared.value(&builder)
        }
    }

    mutating func arrayRule(_ object: TemplateObject, path: String) throws(JSONSchemaError) -> Int {
        if let unique: TemplateValue = object["uniqueItems"], unique != .bool(false) {
            throw JSONSchemaError.unsupportedValue(keyword: "uniqueItems", path: path, reason: "only uniqueItems: false is supported")
        }
        let min: Int = try Self.count(object, "minItems", path: path) ?? 0
        let max: Int? = try Self.count(object, "maxItems", path: path)
        if let max, max < min { throw JSONSchemaError.unsatisfiable(path: path, reason: "maxItems < minItems") }
        let item: Int
        switch object["items"] {
        case nil: item = shared.value(&builder)
        case .array?:
            throw JSONSchemaError.unsupportedValue(keyword: "items", path: path, reason: "tuple-form items (an array of schemas) is not supported")
        case let schema?:
            if schema == .bool(false) {
                guard min == 0 else { throw JSONSchemaError.unsatisfiable(path: path, reason: "items: false with minItems > 0") }
                return builder.add([JSONGrammarItem.literal("[]")])
            }
            item = try schemaRule(schema, path: path + "/items")
        }
        let separator: [JSONGrammarItem] = JSONGrammarItem.literal(",") + [.rule(shared.space(&builder))]
        return builder.repetition(
            open: JSONGrammarItem.literal("["), item: [.rule(item)], separator: separator, close: JSONGrammarItem.literal("]"),
            min: min, max: max)
    }

    mutating func objectRule(_ object: TemplateObject, path: String) throws(JSONSchemaError) -> Int {
        var properties: [(name: String, schema: TemplateValue)] = []
        if let declared: TemplateValue = object["properties"] {
            guard let members: TemplateObject = declared.objectValue else {
                throw JSONSchemaError.invalidSchema(path: path, reason: "properties must be an object")
            }
            properties = members.entries.map { (name: $0.key, schema: $0.value) }
        }
        var required: [String] = []
        if let list: TemplateValue = object["required"] {
            guard let names: [TemplateValue] = list.arrayValue, names.allSatisfy({ $0.stringValue != nil }) else {
                throw JSONSchemaError.invalidSchema(path: path, reason: "required must be an array of strings")
            }
            for name: TemplateValue in names where !required.contains(name.stringValue!) { required.append(name.stringValue!) }
        }
        let additional: TemplateValue = object["additionalProperties"] ?? .bool(true)
        if properties.isEmpty && required.isEmpty {
            switch additional {
            case .bool(false): return builder.add([JSONGrammarItem.literal("{}")])
            case .bool(true): return shared.object(&builder)
            case .object(let members) where members.count == 0: return shared.object(&builder)
            default:
                let values: Int = try schemaRule(additional, path: path + "/additionalProperties")
                return shared.map(&builder, values: values)
            }
        }
        // Required properties first, in `required` order, then the optional ones in `properties` order.
        var ordered: [(name: String, path: String, schema: TemplateValue, required: Bool)] = []
        for name: String in required {
            if let declared = properties.first(where: { $0.name == name }) {
                ordered.append((name, path + "/properties/" + Self.escape(name), declared.schema, true))
            } else if additional == .bool(false) {
                throw JSONSchemaError.unsatisfiable(path: path, reason: "required property '\(name)' is not allowed by additionalProperties: false")
            } else {
                ordered.append((name, path + "/additionalProperties", additional, true))
            }
        }
        for property in properties where !required.contains(property.name) {
            ordered.append((property.name, path + "/properties/" + Self.escape(property.name), property.schema, false))
        }
        let space: Int = shared.space(&builder)
        let comma: [JSONGrammarItem] = JSONGrammarItem.literal(",") + [.rule(space)]
        var values: [Int] = []
        for property in ordered { values.append(try schemaRule(property.schema, path: property.path)) }
        // first[i] / later[i]: properties i... remain, with no member written yet / after one.
        let close: Int = builder.add([JSONGrammarItem.literal("}")])
        var first: Int = close
        var later: Int = close
        for index: Int in ordered.indices.reversed() {
            let member: [JSONGrammarItem] = JSONGrammarItem.literal(JSONLiteral.quoted(ordered[index].name) + ":") + [.rule(space), .rule(values[index])]
            let present: [JSONGrammarItem] = member + [.rule(later)]
            if ordered[index].required {
                let newLater: Int = builder.add([comma + present])
                first = builder.add([present])
                later = newLater
            } else {
                let newLater: Int = builder.add([comma + present, [.rule(later)]])
                first = builder.add([present, [.rule(first)]])
                later = newLater
            }
        }
        return builder.add([JSONGrammarItem.literal("{") + [.rule(first)]])
    }

    /// A JSON pointer token.
    static func escape(_ name: String) -> String {
        name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
