import Foundation
import Testing

@testable import SluiceAPI

@Suite struct AnthropicBridgeRequestTests {
    private func request(_ json: String) throws -> AnthropicMessagesRequest {
        try JSONDecoder().decode(AnthropicMessagesRequest.self, from: Data(json.utf8))
    }

    @Test func systemBlocksBecomeOneSystemMessage() throws {
        let chat = try AnthropicBridge.chatRequest(
            from: request(#"""
                {"model": "claude", "max_tokens": 300, "temperature": 0.2, "top_k": 5, "stop_sequences": ["END"],
                 "metadata": {"user_id": "u-1"},
                 "system": [{"type": "text", "text": "You are terse."},
                            {"type": "text", "text": "Big context.", "cache_control": {"type": "ephemeral"}}],
                 "messages": [{"role": "user", "content": "Hello"}]}
                """#))
        #expect(chat.model == "claude")
        #expect(chat.maxTokens == 300)
        #expect(chat.temperature == 0.2)
        #expect(chat.extra["top_k"] == 5)
        #expect(chat.stop == StopSequences(["END"]))
        #expect(chat.user == "u-1")
        #expect(chat.messages.count == 2)
        #expect(chat.messages[0] == ChatMessage(role: .system, content: .parts([.text("You are terse."), .text("Big context.")])))
        #expect(chat.messages[1] == .text(.user, "Hello"))
        #expect(chat.stream == nil)
    }

    @Test func toolUseAndToolResultsBecomeToolCallsAndToolMessages() throws {
        let chat = try AnthropicBridge.chatRequest(
            from: request(#"""
                {"model": "claude", "max_tokens": 300, "stream": true,
                 "tools": [{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
                 "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
                 "messages": [
                   {"role": "user", "content": "Weather in Paris and Tokyo?"},
                   {"role": "assistant", "content": [
                     {"type": "thinking", "thinking": "Two cities.", "signature": "sig"},
                     {"type": "text", "text": "Checking."},
                     {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}},
                     {"type": "tool_use", "id": "toolu_2", "name": "get_weather", "input": {"city": "Tokyo"}}]},
                   {"role": "user", "content": [
                     {"type": "tool_result", "tool_use_id": "toolu_1", "content": "18C"},
                     {"type": "tool_result", "tool_use_id": "toolu_2", "content": [{"type": "text", "text": "timeout"}], "is_error": true},
                     {"type": "text", "text": "Summarise."}]}]}
                """#))
        #expect(chat.stream == true)
        #expect(chat.includeUsageInStream)
        #expect(chat.tools?.first?.function.name == "get_weather")
        #expect(chat.tools?.first?.function.parameters?["type"] == "object")
        #expect(chat.toolChoice == .required)
        #expect(chat.parallelToolCalls == false)
        #expect(chat.messages.map(\.role) == [.user, .assistant, .tool, .tool, .user])
        let assistant = chat.messages[1]
        #expect(assistant.content == .text("Checking."))
        #expect(assistant.reasoningContent == "Two cities.")
        #expect(assistant.toolCalls?.map(\.id) == ["toolu_1", "toolu_2"])
        #expect(assistant.toolCalls?.map(\.function.arguments) == [#"{"city":"Paris"}"#, #"{"city":"Tokyo"}"#])
        #expect(chat.messages[2] == ChatMessage(role: .tool, content: .text("18C"), toolCallID: "toolu_1"))
        #expect(chat.messages[3] == ChatMessage(role: .tool, content: .text("Error: timeout"), toolCallID: "toolu_2"))
        #expect(chat.messages[4] == .text(.user, "Summarise."))
    }

    @Test func imagesBecomeImageURLParts() throws {
        let chat = try AnthropicBridge.chatRequest(
            from: request(#"""
                {"model": "claude", "max_tokens": 300, "messages": [{"role": "user", "content": [
                  {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                  {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
                  {"type": "text", "text": "Compare these."}]}]}
                """#))
        #expect(
            chat.messages == [
                ChatMessage(
                    role: .user,
                    content: .parts([
                        .imageURL(.init(url: "data:image/png;base64,iVBORw0KGgo=")),
                        .imageURL(.init(url: "https://example.com/cat.jpg")),
                        .text("Compare these."),
                    ]))
            ])
    }

    @Test(arguments: [(1024, "low"), (4096, "medium"), (16000, "high")])
    func thinkingBecomesReasoningEffortWithExactBudget(budget: Int, effort: String) throws {
        let chat = try AnthropicBridge.chatRequest(
            from: request(#"""
                {"model": "claude", "max_tokens": 20000, "thinking": {"type": "enabled", "budget_tokens": \#(budget)},
                 "messages": [{"role": "user", "content": "What is 27 * 453?"}]}
                """#))
        #expect(chat.reasoningEffort == effort)
        #expect(chat.sluice?[AnthropicBridge.thinkingBudgetKey]?.intValue == budget)
    }

    @Test func disabledThinkingAndToolChoices() throws {
        let base = #"{"model": "claude", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}], "#
        let disabled = try AnthropicBridge.chatRequest(from: request(base + #""thinking": {"type": "disabled"}}"#))
        #expect(disabled.reasoningEffort == "none")
        let named = try AnthropicBridge.chatRequest(from: request(base + #""tool_choice": {"type": "tool", "name": "f"}}"#))
        #expect(named.toolChoice == .function(name: "f"))
        #expect(named.parallelToolCalls == nil)
        let none = try AnthropicBridge.chatRequest(from: request(base + #""tool_choice": {"type": "none"}}"#))
        #expect(none.toolChoice == ToolChoice.none)
        let auto = try AnthropicBridge.chatRequest(from: request(base + #""tool_choice": {"type": "auto"}}"#))
        #expect(auto.toolChoice == .auto)
    }

    @Test func missingMaxTokensIsA400() throws {
        let input = try request(#"{"model": "claude", "messages": [{"role": "user", "content": "hi"}]}"#)
        let error = #expect(throws: APIError.self) { try AnthropicBridge.chatRequest(from: input) }
        #expect(error?.status == 400)
        #expect(error?.param == "max_tokens")
    }

    @Test func unsupportedBlocksAndServerToolsAre400s() throws {
        let document = try request(#"""
            {"model": "claude", "max_tokens": 10, "messages": [{"role": "user", "content": [
              {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "x"}}]}]}
            """#)
        #expect(throws: APIError.self) { try AnthropicBridge.chatRequest(from: document) }
        let serverTool = try request(#"""
            {"model": "claude", "max_tokens": 10, "tools": [{"type": "web_search_20250305", "name": "web_search", "max_uses": 5}],
             "messages": [{"role": "user", "content": "hi"}]}
            """#)
        do {
            _ = try AnthropicBridge.chatRequest(from: serverTool)
            Issue.record("server tool accepted")
        } catch {
            #expect(error.code == "unsupported_parameter")
            #expect(error.param == "tools")
        }
    }
}
