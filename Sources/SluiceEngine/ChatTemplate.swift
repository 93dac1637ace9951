/// A model's Jinja chat template, parsed once and rendered per request the way Hugging Face's
/// `apply_chat_template` does (`trim_blocks` and `lstrip_blocks` on, `tojson` as `json.dumps`).
///
/// Supported Jinja: `for` (with `loop.*`, `else`, inline `if`), `if`/`elif`/`else`, `set` (incl.
/// `namespace()` attributes and block `set`), `macro`, `break`/`continue`, filters such as `trim`, `length`,
/// `tojson`, `items`, `selectattr`, `map`, `join`, `default`, string/dict methods, tests, slicing and
/// `raise_exception`.
public struct ChatTemplate: Sendable {
    /// The template source.
    public let source: String
    /// Value of `bos_token` inside the template.
    public let bosToken: String
    /// Value of `eos_token` inside the template.
    public let eosToken: String
    private let nodes: [JinjaNode]

    /// Parses a template.
    public init(source: String, bosToken: String, eosToken: String) throws(ChatTemplateError) {
        self.source = source
        self.bosToken = bosToken
        self.eosToken = eosToken
        do {
            self.nodes = try JinjaParser.parse(source)
        } catch {
            throw ChatTemplateError(error)
        }
    }

    /// The template embedded in a model, with its BOS/EOS token texts.
    public init(tokenizer: Tokenizer) throws(ChatTemplateError) {
        guard let source: String = tokenizer.chatTemplate else { throw ChatTemplateError.missingTemplate }
        let bos: String = tokenizer.bosTokenID.map { (id: Int32) -> String in tokenizer.tokens[Int(id)] } ?? ""
        let eos: String = tokenizer.eosTokenID.map { (id: Int32) -> String in tokenizer.tokens[Int(id)] } ?? ""
        try self.init(source: source, bosToken: bos, eosToken: eos)
    }

    /// Renders a conversation.
    ///
    /// - Parameters:
    ///   - messages: OpenAI-style messages (`role`, `content`, `tool_calls`, `tool_call_id`, `name`,
    ///     `reasoning_content`). A `reasoning` field is also exposed as `reasoning_content`, and tool-call
    ///     `function.arguments` given as a JSON string are parsed into an object, as llama.cpp does, so every
    ///     template sees the same shape; if the template then fails (it concatenates arguments as text, like
    ///     DeepSeek R1's), it is rendered again with the arguments as given.
    ///   - tools: tool definitions (`{"type": "function", "function": {...}}`), or nil for none.
    ///   - addGenerationPrompt: end with the assistant header so the model answers.
    ///   - extra: further variables (`enable_thinking`, …); they override the defaults above.
    public func render(
        messages: [TemplateValue],
        tools: [TemplateValue]? = nil,
        addGenerationPrompt: Bool = true,
        extra: [String: TemplateValue] = [:]
    ) throws(ChatTemplateError) -> String {
        let normalized: [TemplateValue] = messages.map { (message: TemplateValue) -> TemplateValue in Self.normalize(message) }
        do {
            return try render(normalized, tools: tools, addGenerationPrompt: addGenerationPrompt, extra: extra)
        } catch .render(let message) where normalized != messages {
            // Some templates (DeepSeek R1) concatenate `arguments` as a string: retry with the messages as given.
            do {
                return try render(messages, tools: tools, addGenerationPrompt: addGenerationPrompt, extra: extra)
            } catch {
                throw ChatTemplateError.render(message)
            }
        }
    }

    private func render(
        _ messages: [TemplateValue], tools: [TemplateValue]?, addGenerationPrompt: Bool, extra: [String: TemplateValue]
    ) throws(ChatTemplateError) -> String {
        var globals: [String: JinjaValue] = [
            "messages": .array(messages.map(\.jinjaValue)),
            "tools": tools.map { (list: [TemplateValue]) -> JinjaValue in .array(list.map(\.jinjaValue)) } ?? .none,
            "add_generation_prompt": .bool(addGenerationPrompt),
            "bos_token": .string(bosToken),
            "eos_token": .string(eosToken),
        ]
        for (key, value): (String, TemplateValue) in extra { globals[key] = value.jinjaValue }
        do {
            return try JinjaRenderer(globals: globals).render(nodes)
        } catch {
            throw ChatTemplateError(error)
        }
    }

    /// Gives messages the shape chat templates expect (see `render`).
    static func normalize(_ message: TemplateValue) -> TemplateValue {
        guard var object: TemplateObject = message.objectValue else { return message }
        if object["reasoning_content"] == nil, let reasoning: TemplateValue = object["reasoning"], reasoning != .null {
            object["reasoning_content"] = reasoning
        }
        if case .array(let calls)? = object["tool_calls"] {
            object["tool_calls"] = .array(calls.map { (call: TemplateValue) -> TemplateValue in
                guard var callObject: TemplateObject = call.objectValue,
                    var function: TemplateObject = callObject["function"]?.objectValue,
                    case .string(let arguments)? = function["arguments"],
                    let parsed: TemplateValue = try? TemplateValue(json: arguments),
                    parsed.objectValue != nil
                else { return call }
                function["arguments"] = parsed
                callObject["function"] = .object(function)
                return .object(callObject)
            })
        }
        return .object(object)
    }
}
