import Foundation
import SluiceAPI
import SluiceProviders
import SluiceTesting
import Testing

@Suite struct AnthropicProviderReasoningTests {
    @Test func reasoningStreamWithHighEffort() async throws {
        try await withFakeAnthropic { provider, recorder in
            var request = anthropicChat("think: what is 6 times 7?")
            request.reasoningEffort = "high"
            request.temperature = 0.3
            let stream = try await AssembledStream(provider.stream(request, context: anthropicTestContext))
            #expect(stream.reasoning == FakeScenario.reasoningText)
            #expect(stream.content == FakeScenario.reasoningAnswer)
            #expect(stream.chunks.filter { $0.choices.first?.delta.reasoningContent != nil }.count >= 2)
            #expect(stream.finishReasons == [.stop])

            let body = try recordedBody(recorder)
            #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 16384])
            #expect(body["max_tokens"] == .int(Int64(16384 + 4096)))
            #expect(body["temperature"] == nil)
        }
    }

    @Test func reasoningCompletionFitsBudgetUnderTheCallersLimit() async throws {
        try await withFakeAnthropic { provider, recorder in
            var request = anthropicChat("think: what is 6 times 7?")
            request.reasoningEffort = "medium"
            request.maxTokens = 3000
            let response = try await provider.complete(request, context: anthropicTestContext)
            #expect(response.choices.first?.message.reasoningContent == FakeScenario.reasoningText)
            #expect(response.choices.first?.message.content == .text(FakeScenario.reasoningAnswer))
            let body = try recordedBody(recorder)
            #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 1500])
            #expect(body["max_tokens"] == 3000)
        }
    }

    @Test func exactBudgetFromTheSluiceExtensionWins() async throws {
        try await withFakeAnthropic { provider, recorder in
            var request = anthropicChat("think: exact")
            request.reasoningEffort = "high"
            request.sluice = [AnthropicBridge.thinkingBudgetKey: 2500]
            request.maxTokens = 8000
            _ = try await provider.complete(request, context: anthropicTestContext)
            #expect(try recordedBody(recorder)["thinking"] == ["type": "enabled", "budget_tokens": 2500])
        }
    }

    @Test func effortNoneDisablesThinking() async throws {
        try await withFakeAnthropic { provider, recorder in
            var request = anthropicChat("think: quickly")
            request.reasoningEffort = "none"
            let response = try await provider.complete(request, context: anthropicTestContext)
            #expect(response.choices.first?.message.reasoningContent == nil)
            #expect(response.choices.first?.message.content == .text(FakeScenario.reasoningAnswer))
            let body = try recordedBody(recorder)
            #expect(body["thinking"] == ["type": "disabled"])
            #expect(body["max_tokens"] == 4096)
        }
    }

    @Test func jsonSchemaUsesAForcedTool() async throws {
        try await withFakeAnthropic { provider, recorder in
            var request = anthropicChat("json: describe Paris")
            let schema: JSONValue = [
                "type": "object", "properties": ["answer": ["type": "integer"], "city": ["type": "string"]],
            ]
            request.responseFormat = .jsonSchema(JSONSchemaFormat(name: "city answer", schema: schema))
            let response = try await provider.complete(request, context: anthropicTestContext)
            #expect(response.choices.first?.message.content == .text(FakeScenario.jsonAnswer))
            #expect(response.choices.first?.message.toolCalls == nil)
            #expect(response.choices.first?.finishReason == .stop)
            let body = try recordedBody(recorder)
            #expect(body["tool_choice"] == ["type": "tool", "name": "cityanswer"])
            #expect(body["tools"]?.arrayValue?.first?["input_schema"] == schema)

            let stream = try await AssembledStream(provider.stream(request, context: anthropicTestContext))
            #expect(stream.content == FakeScenario.jsonAnswer)
            #expect(stream.calls.isEmpty)
            #expect(stream.finishReasons == [.stop])
        }
    }

    @Test func jsonObjectWithThinkingBecomesAnInstruction() async throws {
        try await withFakeAnthropic { provider, recorder in
            var request = anthropicChat("json: describe Paris", system: "You are a geographer.")
            request.responseFormat = .jsonObject
            request.reasoningEffort = "low"
            let response = try await provider.complete(request, context: anthropicTestContext)
            #expect(response.choices.first?.message.content == .text(FakeScenario.jsonAnswer))
            let body = try recordedBody(recorder)
            #expect(body["tools"] == nil)
            #expect(body["tool_choice"] == nil)
            let system = try #require(body["system"]?.arrayValue)
            #expect(system.first?["text"] == "You are a geographer.")
            #expect(system.last?["text"]?.stringValue?.contains("single JSON document") == true)
        }
    }

    @Test func truncatedAnswerIsLength() async throws {
        try await withFakeAnthropic { provider, _ in
            let response = try await provider.complete(anthropicChat("long: story"), context: anthropicTestContext)
            #expect(response.choices.first?.finishReason == .length)
            #expect(response.choices.first?.message.content == .text(FakeScenario.truncatedText))
        }
    }
}
