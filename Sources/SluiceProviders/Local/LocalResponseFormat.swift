import SluiceAPI
import SluiceEngine

/// `response_format` on the built-in engine: `json_object` and `json_schema` constrain decoding with a
/// ``JSONSchemaSteering``, so the answer always parses (and validates against the schema).
///
/// A schema construct the compiler does not implement is a 400 naming it and its JSON pointer (param
/// `response_format.json_schema.schema`), never silently unconstrained output. `max_tokens` below the
/// shortest valid document is a 400 too (param `max_tokens`). Object keys of the request's schema arrive
/// unordered, so properties come out required ones first (in `required` order), then the optional
/// ones in alphabetical order. `strict` is accepted either way: the output always follows the schema.
enum LocalResponseFormat {
    static let schemaParam = "response_format.json_schema.schema"

    /// The grammar `format` asks for, or nil for free text.
    static func grammar(_ format: ResponseFormat?) throws(ProviderError) -> JSONGrammar? {
        switch format {
        case nil, .text?:
            return nil
        case .jsonObject?:
            return JSONSchemaCompiler.anyObject()
        case .jsonSchema(let spec)?:
            // OpenAI requires a schema; without one any JSON object is the closest honest reading.
            guard let schema = spec.schema else { return JSONSchemaCompiler.anyObject() }
            do {
                return try JSONSchemaCompiler.compile(templateValue(schema))
            } catch {
                throw .badRequest(
                    .unsupportedParameter(
                        schemaParam,
                        "The built-in engine cannot guarantee output for this JSON schema: \(error). "
                            + "Supported: type, properties, required, additionalProperties, items, minItems, maxItems, "
                            + "minLength, maxLength, enum, const, anyOf, $ref/$defs."))
            }
        }
    }

    /// The steering for `format` within `maxTokens`, or nil for free text.
    static func steering(
        _ format: ResponseFormat?, vocabulary: JSONVocabulary, maxTokens: Int
    ) throws(ProviderError) -> JSONSchemaSteering? {
        guard let grammar = try grammar(format) else { return nil }
        do {
            return try JSONSchemaSteering(grammar: grammar, vocabulary: vocabulary, maxTokens: maxTokens)
        } catch {
            throw .badRequest(
                .invalidRequest(
                    "max_tokens is too small for any output that matches response_format: \(error)", param: "max_tokens",
                    code: "invalid_value"))
        }
    }

    /// A schema as the engine's JSON value (object keys sorted, so compilation is deterministic).
    static func templateValue(_ value: JSONValue) -> TemplateValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(Int(number))
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(templateValue))
        case .object(let members):
            return .object(TemplateObject(members.keys.sorted().map { ($0, templateValue(members[$0]!)) }))
        }
    }
}
