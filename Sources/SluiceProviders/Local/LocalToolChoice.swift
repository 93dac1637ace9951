import SluiceAPI
import SluiceEngine

/// What a request's `tools` and `tool_choice` mean for a local generation.
///
/// - no tools, or `tool_choice: "none"`: the tools are left out of the prompt and the output is plain text;
/// - `auto` (the default): the tools are in the prompt and `<tool_call>` blocks in the output are parsed;
/// - `required` or a named function: as `auto`, and decoding is constrained to exactly one well-formed
///   `<tool_call>\n{"name": …, "arguments": …}\n</tool_call>`: the name one of the tools (or the named one),
///   the arguments valid for that tool's `parameters` schema.
struct LocalToolChoice: Sendable {
    /// The tools the prompt shows (empty when none are offered).
    let tools: [Tool]
    /// The tools one of which must be called, or nil when calling is optional.
    let forced: [Tool]?
    /// At most this many calls are kept (`parallel_tool_calls: false` keeps one).
    let maxCalls: Int

    /// Whether the output is parsed for tool calls.
    var parsesCalls: Bool { !tools.isEmpty }

    static let callPrefix = "<tool_call>\n"
    static let callSuffix = "\n</tool_call>"

    init(_ request: ChatRequest) throws(ProviderError) {
        let offered = request.tools ?? []
        var names = Set<String>()
        for (index, tool) in offered.enumerated() {
            guard tool.type == "function" else {
                throw .badRequest(
                    .invalidRequest(
                        "Invalid tools[\(index)].type: only 'function' tools are supported.", param: "tools[\(index)].type",
                        code: "invalid_value"))
            }
            guard names.insert(tool.function.name).inserted else {
                throw .badRequest(
                    .invalidRequest(
                        "Duplicate function name '\(tool.function.name)' in tools.", param: "tools[\(index)].function.name",
                        code: "invalid_value"))
            }
        }
        maxCalls = request.parallelToolCalls == false ? 1 : .max
        switch request.toolChoice {
        case .none?:
            tools = []
            forced = nil
        case .required?:
            guard !offered.isEmpty else {
                throw .badRequest(
                    .invalidRequest(
                        "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
                        param: "tool_choice", code: "invalid_value"))
            }
            tools = offered
            forced = offered
        case .function(let name)?:
            guard let tool = offered.first(where: { $0.function.name == name }) else {
                throw .badRequest(
                    .invalidRequest(
                        "Invalid value for 'tool_choice': no function named '\(name)' was specified in 'tools'.",
                        param: "tool_choice", code: "invalid_value"))
            }
            tools = offered
            forced = [tool]
        case .auto?, nil:
            tools = offered
            forced = nil
        }
    }

    /// The JSON schema of one call of the forced tools: `{"name": <the name>, "arguments": <its parameters>}`,
    /// `anyOf` over the tools when there are several.
    func callSchema() throws(ProviderError) -> TemplateValue? {
        guard let forced, !forced.isEmpty else { return nil }
        var branches: [TemplateValue] = []
        for tool in forced {
            var parameters: TemplateValue = ["type": "object"]
            if tool.function.parameters != nil {
                do {
                    parameters = try LocalToolPrompt.templateValue(tool)["function"]?["parameters"] ?? parameters
                } catch {
                    throw .badRequest(.invalidRequest("Invalid parameters of tool '\(tool.function.name)'.", param: "tools"))
                }
            }
            branches.append(.object(TemplateObject([
                ("type", "object"),
                ("properties", .object(TemplateObject([
                    ("name", .object(TemplateObject([("const", .string(tool.function.name))]))),
                    ("arguments", parameters),
                ]))),
                ("required", ["name", "arguments"]),
                ("additionalProperties", false),
            ])))
        }
        return branches.count == 1 ? branches[0] : .object(TemplateObject([("anyOf", .array(branches))]))
    }

    /// The steering that makes the model write exactly one call, or nil when calling is optional.
    ///
    /// - Parameter maxTokens: tokens the call may take (prefix and suffix included).
    func steering(vocabulary: JSONVocabulary, maxTokens: Int) throws(ProviderError) -> JSONSchemaSteering? {
        guard let schema = try callSchema() else { return nil }
        let grammar: JSONGrammar
        do {
            grammar = try JSONSchemaCompiler.compile(schema)
        } catch {
            throw .badRequest(
                .invalidRequest(
                    "The built-in engine cannot constrain a call to these tools: \(error)", param: "tools", code: "invalid_value"))
        }
        do {
            return try JSONSchemaSteering(
                grammar: grammar, vocabulary: vocabulary, maxTokens: maxTokens, prefix: Self.callPrefix, suffix: Self.callSuffix)
        } catch {
            throw .badRequest(
                .invalidRequest(
                    "max_tokens is too small for a call to these tools: \(error)", param: "max_tokens", code: "invalid_value"))
        }
    }
}
