import Foundation
import Logging
import SluiceAPI
import SluiceEngine
import Testing

@testable import SluiceProviders

/// Chat templates used as fixtures: Qwen2.5's and a Qwen3-style one (tools, tool calls, tool results,
/// `enable_thinking`), and plain ChatML without tools (as SmolLM2's).
enum TemplateFixtures {
    static let qwen25 = #"""
        {%- if tools %}
            {{- '<|im_start|>system\n' }}
            {%- if messages[0]['role'] == 'system' %}
                {{- messages[0]['content'] }}
            {%- else %}
                {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
            {%- endif %}
            {{- "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
            {%- for tool in tools %}
                {{- "\n" }}
                {{- tool | tojson }}
            {%- endfor %}
            {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
        {%- else %}
            {%- if messages[0]['role'] == 'system' %}
                {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
            {%- else %}
                {{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}
            {%- endif %}
        {%- endif %}
        {%- for message in messages %}
            {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
                {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}
            {%- elif message.role == "assistant" %}
                {{- '<|im_start|>' + message.role }}
                {%- if message.content %}
                    {{- '\n' + message.content }}
                {%- endif %}
                {%- for tool_call in message.tool_calls %}
                    {%- if tool_call.function is defined %}
                        {%- set tool_call = tool_call.function %}
                    {%- endif %}
                    {{- '\n<tool_call>\n{"name": "' }}
                    {{- tool_call.name }}
                    {{- '", "arguments": ' }}
                    {{- tool_call.arguments | tojson }}
                    {{- '}\n</tool_call>' }}
                {%- endfor %}
                {{- '<|im_end|>\n' }}
            {%- elif message.role == "tool" %}
                {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
                    {{- '<|im_start|>user' }}
                {%- endif %}
                {{- '\n<tool_response>\n' }}
                {{- message.content }}
                {{- '\n</tool_response>' }}
                {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
                    {{- '<|im_end|>\n' }}
                {%- endif %}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<|im_start|>assistant\n' }}
        {%- endif %}
        """#

    static let qwen3 = #"""
        {%- if tools %}
            {{- '<|im_start|>system\n' }}
            {%- if messages[0].role == 'system' %}
                {{- messages[0].content + '\n\n' }}
            {%- endif %}
            {{- "# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
            {%- for tool in tools %}
                {{- "\n" }}
                {{- tool | tojson }}
            {%- endfor %}
            {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
        {%- else %}
            {%- if messages[0].role == 'system' %}
                {{- '<|im_start|>system\n' + messages[0].content + '<|im_end|>\n' }}
            {%- endif %}
        {%- endif %}
        {%- for message in messages %}
            {%- if message.content is string %}
                {%- set content = message.content %}
            {%- else %}
                {%- set content = '' %}
            {%- endif %}
            {%- if (message.role == "user") or (message.role == "system" and not loop.first) %}
                {{- '<|im_start|>' + message.role + '\n' + content + '<|im_end|>' + '\n' }}
            {%- elif message.role == "assistant" %}
                {%- if '</think>' in content %}
                    {%- set content = content.split('</think>')[-1].lstrip('\n') %}
                {%- endif %}
                {{- '<|im_start|>' + message.role + '\n' + content }}
                {%- if message.tool_calls %}
                    {%- for tool_call in message.tool_calls %}
                        {%- if (loop.first and content) or (not loop.first) %}
                            {{- '\n' }}
                        {%- endif %}
                        {%- if tool_call.function %}
                            {%- set tool_call = tool_call.function %}
                        {%- endif %}
                        {{- '<tool_call>\n{"name": "' }}
                        {{- tool_call.name }}
                        {{- '", "arguments": ' }}
                        {%- if tool_call.arguments is string %}
                            {{- tool_call.arguments }}
                        {%- else %}
                            {{- tool_call.arguments | tojson }}
                        {%- endif %}
                        {{- '}\n</tool_call>' }}
                    {%- endfor %}
                {%- endif %}
                {{- '<|im_end|>\n' }}
            {%- elif message.role == "tool" %}
                {%- if loop.first or (messages[loop.index0 - 1].role != "tool") %}
                    {{- '<|im_start|>user' }}
                {%- endif %}
                {{- '\n<tool_response>\n' }}
                {{- content }}
                {{- '\n</tool_response>' }}
                {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
                    {{- '<|im_end|>\n' }}
                {%- endif %}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<|im_start|>assistant\n' }}
            {%- if enable_thinking is defined and enable_thinking is false %}
                {{- '<think>\n\n</think>\n\n' }}
            {%- endif %}
        {%- endif %}
        """#

    /// ChatML without tools (SmolLM2's shape, without its default system prompt).
    static let chatML = #"""
        {% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}
        """#

    /// ChatML whose generation prompt opens the thought, as DeepSeek-R1-Distill's does.
    static let thinkingChatML = #"""
        {% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n<think>\n' }}{% endif %}
        """#

    static func template(_ source: String) throws -> ChatTemplate {
        try ChatTemplate(source: source, bosToken: "", eosToken: "<|im_end|>")
    }
}

/// The default model behind a provider, optionally with a chat template override.
enum LocalTestModel {
    static let context = RequestContext(requestID: "req_local_tools", logger: Logger(label: "test"))

    static func provider(chatTemplate: String? = nil) throws -> LocalProvider {
        let path = ProcessInfo.processInfo.environment["SLUICE_TEST_MODEL"] ?? ModelFetcher().defaultModelPath.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw LocalProviderError.missingPath("default model not found at \(path); run `sluice models fetch`")
        }
        var endpoint = ModelEndpoint(name: "local", kind: .local, modelPath: path)
        endpoint.local = LocalOptions(parallel: 2, chatTemplate: chatTemplate)
        return try LocalProvider(endpoint: endpoint, threads: 2)
    }

    static let plain: Result<LocalProvider, any Error> = Result { try provider() }
    static let thinking: Result<LocalProvider, any Error> = Result { try provider(chatTemplate: TemplateFixtures.thinkingChatML) }
}

@Suite("Local tool calls", .serialized)
struct LocalToolCallTests {
    static let weather = Tool(function: FunctionDefinition(
        name: "get_weather", description: "Current weather in a city.",
        parameters: .object([
            "type": "object",
            "properties": .object(["city": .object(["type": "string"]), "unit": .object(["type": "string", "enum": ["c", "f"]])]),
            "required": ["city"],
        ])))
    static let time = Tool(function: FunctionDefinition(
        name: "get_time", description: "Current time in a time zone.",
        parameters: .object(["type": "object", "properties": .object(["zone": .object(["type": "string"])]), "required": ["zone"]])))

    /// A conversation with a call and its results: system, user, assistant (text and two calls), two tool results.
    static let conversation: [ChatMessage] = [
        .text(.system, "You are a helpful assistant."),
        .text(.user, "Weather and time in Paris?"),
        ChatMessage(
            role: .assistant, content: .text("Let me look."),
            toolCalls: [
                ToolCall(id: "call_1", function: FunctionCall(name: "get_weather", arguments: #"{"city": "Paris"}"#)),
                ToolCall(id: "call_2", function: FunctionCall(name: "get_time", arguments: #"{"zone":"Europe/Paris"}"#)),
            ]),
        ChatMessage(role: .tool, content: .text(#"{"temp": 18}"#), toolCallID: "call_1"),
        ChatMessage(role: .tool, content: .text("14:05"), toolCallID: "call_2"),
    ]

    static func render(_ source: String, _ configure: (inout ChatRequest) -> Void = { _ in }) throws -> (String, Bool) {
        var request = ChatRequest(model: "local", messages: conversation)
        request.tools = [weather, time]
        configure(&request)
        return try LocalPrompt.render(
            request, template: TemplateFixtures.template(source), tools: LocalToolChoice(request),
            thinking: LocalThinking.plan(request))
    }

    @Test("Qwen2.5's template gets the tools as a variable; the inlined rendering for a template without tools is identical")
    func qwen25Rendering() throws {
        let (native, opens) = try Self.render(TemplateFixtures.qwen25)
        #expect(!opens)
        #expect(native.contains(
            "<|im_start|>system\nYou are a helpful assistant.\n\n# Tools\n\nYou may call one or more functions to assist with the user query."))
        #expect(native.contains(#"{"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city.", "parameters": {"#))
        #expect(native.contains(
            "<|im_start|>assistant\nLet me look.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n"
                + "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"Europe/Paris\"}}\n</tool_call><|im_end|>\n"))
        #expect(native.contains(
            "<|im_start|>user\n<tool_response>\n{\"temp\": 18}\n</tool_response>\n<tool_response>\n14:05\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n"))
        let (inlined, _) = try Self.render(TemplateFixtures.chatML)
        #expect(inlined == native, "a template without tools sees what Qwen2.5's template writes")
    }

    @Test("a Qwen3-style template renders tools, calls and results itself; enable_thinking reaches it")
    func qwen3Rendering() throws {
        let (native, opens) = try Self.render(TemplateFixtures.qwen3)
        #expect(!opens)
        let (inlined, _) = try Self.render(TemplateFixtures.chatML)
        #expect(native == inlined)
        #expect(native.hasSuffix("<|im_start|>assistant\n"))
        let (off, offOpens) = try Self.render(TemplateFixtures.qwen3) { $0.reasoningEffort = "none" }
        #expect(off.hasSuffix("<|im_start|>assistant\n<think>\n\n</think>\n\n") && !offOpens)
        let (kwargsOff, _) = try Self.render(TemplateFixtures.qwen3) {
            $0.extra["chat_template_kwargs"] = .object(["enable_thinking": false])
        }
        #expect(kwargsOff == off)
        // tool_choice none leaves the tools out.
        let (none, _) = try Self.render(TemplateFixtures.qwen3) { $0.toolChoice = ToolChoice.none }
        #expect(!none.contains("# Tools") && none.contains("<tool_response>"))
    }

    @Test("tool_choice and tools are checked with 400s naming the parameter")
    func validation() throws {
        func param(_ configure: (inout ChatRequest) -> Void) -> String? {
            var request = ChatRequest(model: "local", messages: [.text(.user, "hi")])
            configure(&request)
            do {
                _ = try LocalToolChoice(request)
                return nil
            } catch {
                guard case .badRequest(let apiError) = error else { return "not a 400" }
                return apiError.param
            }
        }
        #expect(param { $0.toolChoice = .required } == "tool_choice")
        #expect(param {
            $0.tools = [Self.weather]
            $0.toolChoice = .function(name: "nope")
        } == "tool_choice")
        #expect(param { $0.tools = [Self.weather, Self.weather] } == "tools[1].function.name")
        #expect(param { $0.tools = [Self.weather] } == nil)
    }

    @Test("tool_choice required makes the model call a tool with valid arguments")
    func required() async throws {
        let provider = try LocalTestModel.plain.get()
        var request = ChatRequest(model: "local", messages: [.text(.user, "What is the weather like in Paris?")])
        request.tools = [Self.weather, Self.time]
        request.toolChoice = .required
        request.temperature = 0
        request.maxTokens = 60
        let response = try await provider.complete(request, context: LocalTestModel.context)
        let choice = try #require(response.choices.first)
        #expect(choice.finishReason == .toolCalls)
        let call = try #require(choice.message.toolCalls?.first)
        #expect(choice.message.toolCalls?.count == 1)
        #expect(call.id.hasPrefix("call_") && call.id.count == 29)
        #expect(call.type == "function")
        #expect(["get_weather", "get_time"].contains(call.function.name))
        let arguments = try JSONDecoder().decode(JSONValue.self, from: Data(call.function.arguments.utf8))
        let required = call.function.name == "get_weather" ? "city" : "zone"
        #expect(arguments.objectValue?[required]?.stringValue != nil, "arguments: \(call.function.arguments)")
        #expect(choice.message.content == nil)
    }

    @Test("a named tool_choice streams that call as tool-call deltas")
    func namedStreamed() async throws {
        let provider = try LocalTestModel.plain.get()
        var request = ChatRequest(model: "local", messages: [.text(.user, "What time is it in Tokyo?")])
        request.tools = [Self.weather, Self.time]
        request.toolChoice = .function(name: "get_time")
        request.temperature = 0
        request.maxTokens = 60
        var deltas: [ToolCallDelta] = []
        var finish: SluiceAPI.FinishReason?
        var content = ""
        for try await chunk in try await provider.stream(request, context: LocalTestModel.context) {
            guard let choice = chunk.choices.first else { continue }
            deltas += choice.delta.toolCalls ?? []
            content += choice.delta.content ?? ""
            finish = choice.finishReason ?? finish
        }
        #expect(finish == .toolCalls)
        #expect(content.isEmpty)
        let first = try #require(deltas.first)
        #expect(first.index == 0 && first.id?.hasPrefix("call_") == true && first.type == "function")
        #expect(first.function?.name == "get_time" && first.function?.arguments == "")
        #expect(deltas.dropFirst().allSatisfy { $0.index == 0 && $0.id == nil && $0.function?.name == nil })
        #expect(deltas.count > 2, "arguments stream in fragments")
        let arguments = deltas.compactMap(\.function?.arguments).joined()
        let parsed = try JSONDecoder().decode(JSONValue.self, from: Data(arguments.utf8))
        #expect(parsed.objectValue?["zone"]?.stringValue != nil, "arguments: \(arguments)")
        // The same request not streamed gives the same call.
        let whole = try await provider.complete(request, context: LocalTestModel.context)
        #expect(whole.choices.first?.message.toolCalls?.first?.function.arguments == arguments)
    }

    @Test("a tool result sent back gets an answer")
    func roundTrip() async throws {
        let provider = try LocalTestModel.plain.get()
        var request = ChatRequest(model: "local", messages: [
            .text(.user, "What is the weather like in Paris?"),
            ChatMessage(
                role: .assistant, content: nil,
                toolCalls: [ToolCall(id: "call_abc", function: FunctionCall(name: "get_weather", arguments: #"{"city": "Paris"}"#))]),
            ChatMessage(role: .tool, content: .text(#"{"temperature_c": 18, "sky": "sunny"}"#), toolCallID: "call_abc"),
        ])
        request.tools = [Self.weather]
        request.temperature = 0
        request.maxTokens = 40
        let response = try await provider.complete(request, context: LocalTestModel.context)
        let message = try #require(response.choices.first?.message)
        let content = message.content?.text ?? ""
        let calls = message.toolCalls ?? []
        #expect(!content.isEmpty || !calls.isEmpty)
        #expect(response.usage.map { $0.promptTokens > 150 } == true, "the tools block and the result are in the prompt")
    }
}
