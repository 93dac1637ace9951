import Testing

@testable import SluiceEngine

@Suite struct ChatTemplateTests {
    private func messages(_ chat: TextFixtures.ChatCase) -> [TemplateValue] {
        chat.messages.map { (message: TextFixtures.ChatMessage) -> TemplateValue in
            ["role": .string(message.role), "content": .string(message.content)]
        }
    }

    @Test func smolLM2EmbeddedTemplateReproducesEveryFixturePrompt() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        let template: ChatTemplate = try ChatTemplate(tokenizer: tokenizer)
        #expect(template.bosToken == "<|im_start|>")
        #expect(template.eosToken == "<|im_end|>")
        for chat: TextFixtures.ChatCase in try TextFixtures.reference().chat {
            let prompt: String = try template.render(messages: messages(chat), addGenerationPrompt: true)
            #expect(prompt == chat.prompt)
            // Tokenized with special tokens parsed and BOS only if the model asks for it (SmolLM2 does not).
            #expect(tokenizer.encode(prompt, addSpecial: true, parseSpecial: true) == chat.promptIDs)
        }
    }

    @Test func smolLM2WithoutGenerationPrompt() async throws {
        let template: ChatTemplate = try ChatTemplate(tokenizer: try await TextFixtures.tokenizer())
        let prompt: String = try template.render(messages: [["role": "system", "content": "S"], ["role": "user", "content": "U"]], addGenerationPrompt: false)
        #expect(prompt == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n")
    }

    @Test func tokenizerWithoutTemplateIsAnError() throws {
        let tokenizer: Tokenizer = try Tokenizer(tokens: ["a"], merges: [], preTokenizer: "gpt2")
        #expect(throws: ChatTemplateError.missingTemplate) { _ = try ChatTemplate(tokenizer: tokenizer) }
    }

    @Test func syntaxErrorsAreReportedAtLoad() {
        #expect(throws: ChatTemplateError.self) {
            _ = try ChatTemplate(source: "{% for m in messages %}{{ m }}", bosToken: "", eosToken: "")
        }
        #expect(throws: ChatTemplateError.self) {
            _ = try ChatTemplate(source: "{{ 'unterminated }}", bosToken: "", eosToken: "")
        }
        #expect(throws: ChatTemplateError.self) {
            _ = try ChatTemplate(source: "{% frobnicate %}", bosToken: "", eosToken: "")
        }
    }

    @Test func raiseExceptionBecomesRejected() throws {
        let template: ChatTemplate = try ChatTemplate(
            source: "{% if messages[0].role != 'user' %}{{ raise_exception('Conversation must start with user') }}{% endif %}ok",
            bosToken: "", eosToken: "")
        #expect(throws: ChatTemplateError.rejected("Conversation must start with user")) {
            _ = try template.render(messages: [["role": "assistant", "content": "x"]])
        }
        #expect(try template.render(messages: [["role": "user", "content": "x"]]) == "ok")
    }

    @Test func typeErrorsAreRenderErrors() throws {
        let template: ChatTemplate = try ChatTemplate(source: "{{ 'a' + messages[0].content }}", bosToken: "", eosToken: "")
        #expect(throws: ChatTemplateError.render("unsupported operand type(s) for +: 'str' and 'NoneType'")) {
            _ = try template.render(messages: [["role": "user", "content": nil]])
        }
    }

    @Test func extraVariablesAndSpecialTokensAreVisible() throws {
        let template: ChatTemplate = try ChatTemplate(
            source: "{{ bos_token }}{{ add_generation_prompt }}{{ enable_thinking }}{{ tools is none }}{{ eos_token }}",
            bosToken: "<s>", eosToken: "</s>")
        #expect(try template.render(messages: [], addGenerationPrompt: false, extra: ["enable_thinking": false]) == "<s>FalseFalseTrue</s>")
    }

    @Test func openAIToolCallArgumentsAndReasoningAreNormalized() throws {
        let template: ChatTemplate = try ChatTemplate(
            source: "{% for m in messages %}{{ m.reasoning_content }}|{{ m.tool_calls[0].function.arguments | tojson }}|{{ m.tool_calls[0].function.arguments.city }}{% endfor %}",
            bosToken: "", eosToken: "")
        let message: TemplateValue = try TemplateValue(json: #"""
            {"role": "assistant", "content": null, "reasoning": "thought",
             "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "w", "arguments": "{\"city\":\"Köln\",\"n\":2}"}}]}
            """#)
        #expect(try template.render(messages: [message]) == #"thought|{"city": "Köln", "n": 2}|Köln"#)
    }

    @Test func stringArgumentsAreKeptWhenTheTemplateConcatenatesThem() throws {
        let template: ChatTemplate = try ChatTemplate(
            source: "{% for m in messages %}{{ 'args=' + m.tool_calls[0].function.arguments }}{% endfor %}", bosToken: "", eosToken: "")
        let message: TemplateValue = [
            "role": "assistant",
            "tool_calls": [["type": "function", "function": ["name": "w", "arguments": #"{"a":1}"#]]],
        ]
        #expect(try template.render(messages: [message]) == #"args={"a":1}"#)
    }

    @Test func templateValueJSONKeepsKeyOrderAndTypes() throws {
        let value: TemplateValue = try TemplateValue(json: #"{"z": 1, "a": [true, null, 2.5, "x\u00e9\n"], "m": {"k": -3}}"#)
        guard case .object(let object) = value else {
            Issue.record("expected an object")
            return
        }
        #expect(object.keys == ["z", "a", "m"])
        #expect(value["a"] == [true, nil, 2.5, "xé\n"])
        #expect(value["m"]?["k"] == -3)
        #expect(value["z"] == .int(1))
        #expect(throws: ChatTemplateError.self) { _ = try TemplateValue(json: #"{"a": }"#) }
        #expect(throws: ChatTemplateError.self) { _ = try TemplateValue(json: "[1, 2") }
        #expect(throws: ChatTemplateError.self) { _ = try TemplateValue(json: "{} extra") }
    }
}
