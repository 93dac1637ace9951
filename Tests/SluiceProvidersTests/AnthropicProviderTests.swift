import Foundation
import SluiceAPI
import SluiceProviders
import SluiceTesting
import Testing

@Suite struct AnthropicProviderTests {
    /// Long enough (≥ 52 characters, so more than 12 prompt tokens) for the fake to report cache reads.
    static let longPrompt = "Tell me something interesting about the river Seine in Paris, please."

    @Test func textCompletion() async throws {
        try await withFakeAnthropic { provider, recorder in
            let response = try await provider.complete(
                anthropicChat(Self.longPrompt, system: "Be brief."), context: anthropicTestContext)
            #expect(response.choices.first?.message.content == .text("Echo: " + Self.longPrompt))
            #expect(response.choices.first?.finishReason == .stop)
            #expect(response.model == "claude-test-model")
            let prompt = FakeScenario.promptTokens(characters: Self.longPrompt.count + "Be brief.".count)
            #expect(response.usage?.promptTokens == prompt)
            #expect(response.usage?.cachedTokens == 3)
            #expect(response.usage?.completionTokens == FakeScenario.completionTokens)

            let sent = try #require(recorder.last)
            #expect(sent.path == "/v1/messages")
            #expect(sent.headers["x-api-key"] == FakeAnthropic.apiKey)
            #expect(sent.headers["anthropic-version"] == "2023-06-01")
            #expect(sent.headers["authorization"] == nil)
            let body = try recordedBody(recorder)
            #expect(body["model"] == "claude-test-model")
            #expect(body["max_tokens"] == 4096)
            #expect(body["system"] == "Be brief.")
            #expect(body["messages"]?.arrayValue?.count == 1)
            #expect(body["stream"] == nil)
        }
    }

    @Test func textStream() async throws {
        try await withFakeAnthropic { provider, recorder in
            var request = anthropicChat(Self.longPrompt)
            request.maxCompletionTokens = 300
            request.stop = StopSequences(["END"])
            request.temperature = 1.7
            request.user = "user-9"
            let stream = try await AssembledStream(provider.stream(request, context: anthropicTestContext))
            #expect(stream.content == "Echo: " + Self.longPrompt)
            #expect(stream.chunks.first?.choices.first?.delta.role == .assistant)
            #expect(stream.chunks.filter { $0.choices.first?.delta.content?.isEmpty == false }.count >= 2)
            #expect(stream.finishReasons == [.stop])
            let last = try #require(stream.chunks.last)
            #expect(last.choices.isEmpty)
            #expect(last.usage?.promptTokens == FakeScenario.promptTokens(characters: Self.longPrompt.count))
            #expect(last.usage?.cachedTokens == 3)
            #expect(last.usage?.completionTokens == FakeScenario.completionTokens)
            #expect(stream.chunks.allSatisfy { $0.id == "msg_fake" })

            let body = try recordedBody(recorder)
            #expect(body["stream"] == true)
            #expect(body["max_tokens"] == 300)
            #expect(body["stop_sequences"] == ["END"])
            #expect(body["temperature"]?.doubleValue == 1)
            #expect(body["metadata"] == ["user_id": "user-9"])
        }
    }

    @Test func toolCallCompletion() async throws {
        try await withFakeAnthropic { provider, recorder in
            var request = anthropicChat("call: the weather in Paris")
            request.tools = [weatherTool]
            request.toolChoice = .required
            let response = try await provider.complete(request, context: anthropicTestContext)
            let choice = try #require(response.choices.first)
            #expect(choice.finishReason == .toolCalls)
            #expect(choice.message.content == nil)
            let call = try #require(choice.message.toolCalls?.first)
            #expect(call.id == "toolu_fake_0")
            #expect(call.function.name == "get_weather")
            #expect(call.function.arguments == FakeScenario.toolArguments)

            let body = try recordedBody(recorder)
            #expect(body["tools"]?.arrayValue?.first?["input_schema"]?["required"] == ["city"])
            #expect(body["tools"]?.arrayValue?.first?["name"] == "get_weather")
            #expect(body["tool_choice"] == ["type": "any"])
        }
    }

    @Test func toolCallStreamReassembles() async throws {
        try await withFakeAnthropic { provider, _ in
            var request = anthropicChat("call: the weather in Paris")
            request.tools = [weatherTool]
            let stream = try await AssembledStream(provider.stream(request, context: anthropicTestContext))
            #expect(stream.calls.count == 1)
            #expect(stream.calls[0]?.id == "toolu_fake_0")
            #expect(stream.calls[0]?.name == "get_weather")
            #expect(stream.calls[0]?.arguments == FakeScenario.toolArguments)
            let fragments = stream.chunks.compactMap { $0.choices.first?.delta.toolCalls?.first?.function?.arguments }
            #expect(fragments.filter { !$0.isEmpty }.count >= 3)
            let first = stream.chunks.first { $0.choices.first?.delta.toolCalls != nil }?.choices.first?.delta.toolCalls?.first
            #expect(first?.type == "function")
            #expect(first?.function?.name == "get_weather")
            #expect(stream.finishReasons == [.toolCalls])
        }
    }

    @Test func parallelToolCalls() async throws {
        try await withFakeAnthropic { provider, recorder in
            var request = anthropicChat("call2: Paris and Tokyo")
            request.tools = [weatherTool]
            request.parallelToolCalls = false
            let response = try await provider.complete(request, context: anthropicTestContext)
            #expect(response.choices.first?.message.toolCalls?.map(\.function.arguments) == FakeScenario.parallelArguments)
            #expect(try recordedBody(recorder)["tool_choice"] == ["type": "auto", "disable_parallel_tool_use": true])

            request.parallelToolCalls = nil
            let stream = try await AssembledStream(provider.stream(request, context: anthropicTestContext))
            #expect(stream.calls.keys.sorted() == [0, 1])
            #expect(stream.calls[0]?.arguments == FakeScenario.parallelArguments[0])
            #expect(stream.calls[1]?.arguments == FakeScenario.parallelArguments[1])
            #expect(stream.calls[1]?.id == "toolu_fake_1")
        }
    }

    @Test func toolHistoryIsSentAsToolUseAndToolResult() async throws {
        try await withFakeAnthropic { provider, recorder in
            var request = ChatRequest(
                model: "claude",
                messages: [
                    .text(.user, "Weather?"),
                    ChatMessage(
                        role: .assistant, content: nil,
                        toolCalls: [
                            ToolCall(id: "toolu_1", function: FunctionCall(name: "get_weather", arguments: #"{"city":"Paris"}"#)),
                            ToolCall(id: "toolu_2", function: FunctionCall(name: "get_weather", arguments: #"{"city":"Tokyo"}"#)),
                        ], reasoningContent: "old thoughts"),
                    ChatMessage(role: .tool, content: .text("18C"), toolCallID: "toolu_1"),
                    ChatMessage(role: .tool, content: .text("25C"), toolCallID: "toolu_2"),
                    ChatMessage(
                        role: .user,
                        content: .parts([.text("And this?"), .imageURL(.init(url: "data:image/png;base64,iVBORw0KGgo="))])),
                ])
            request.tools = [weatherTool]
            _ = try await provider.complete(request, context: anthropicTestContext)
            let messages = try #require(try recordedBody(recorder)["messages"]?.arrayValue)
            #expect(messages.map { $0["role"] } == ["user", "assistant", "user", "user"])
            #expect(
                messages[1]["content"] == [
                    ["type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": ["city": "Paris"]],
                    ["type": "tool_use", "id": "toolu_2", "name": "get_weather", "input": ["city": "Tokyo"]],
                ])
            #expect(
                messages[2]["content"] == [
                    ["type": "tool_result", "tool_use_id": "toolu_1", "content": "18C"],
                    ["type": "tool_result", "tool_use_id": "toolu_2", "content": "25C"],
                ])
            #expect(
                messages[3]["content"] == [
                    ["type": "text", "text": "And this?"],
                    ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="]],
                ])
        }
    }
}
