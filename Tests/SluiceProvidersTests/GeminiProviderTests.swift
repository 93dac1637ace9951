import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SluiceAPI
import SluiceTesting
import Testing

@testable import SluiceProviders

/// The Gemini provider against the fake Gemini API on a live loopback server, through a real client.
@Suite struct GeminiProviderTests {
    // MARK: - Text

    @Test func completesText() async throws {
        try await withGemini { provider, recorder in
            var request = Self.request("hello there")
            request.messages.insert(.text(.system, "Be brief."), at: 0)
            let response = try await provider.complete(request, context: Self.context)
            #expect(response.choices.count == 1)
            #expect(response.choices[0].message.content?.text == "Echo: hello there")
            #expect(response.choices[0].message.role == .assistant)
            #expect(response.choices[0].finishReason == .stop)
            #expect(response.model == "gemini-fake")
            #expect(response.id == "chatcmpl-fake-response-id")
            let entry = try #require(recorder.last)
            #expect(entry.path == "/v1beta/models/gemini-fake:generateContent")
            #expect(entry.headers["x-goog-api-key"] == FakeGemini.apiKey)
            let body = try Self.json(entry.body)
            #expect(body["systemInstruction"]?["parts"]?.arrayValue?.first?["text"] == "Be brief.")
            #expect(body["contents"]?.arrayValue?.count == 1)
            #expect(body["contents"]?.arrayValue?.first?["role"] == "user")
            #expect(body["contents"]?.arrayValue?.first?["parts"]?.arrayValue?.first?["text"] == "hello there")
        }
    }

    @Test func streamsText() async throws {
        try await withGemini { provider, recorder in
            let chunks = try await Self.collect(provider.stream(Self.request("hello there"), context: Self.context))
            #expect(chunks.first?.choices.first?.delta.role == .assistant)
            let text = chunks.compactMap { $0.choices.first?.delta.content }.joined()
            #expect(text == "Echo: hello there")
            #expect(chunks.filter { $0.choices.first?.delta.content != nil }.count >= 2)
            let finishes = chunks.compactMap { $0.choices.first?.finishReason }
            #expect(finishes == [.stop])
            let last = try #require(chunks.last)
            #expect(last.choices.isEmpty)
            #expect(last.usage?.completionTokens == FakeScenario.completionTokens)
            #expect(last.usage?.promptTokens == FakeScenario.promptTokens(characters: "hello there".count))
            #expect(recorder.last?.path == "/v1beta/models/gemini-fake:streamGenerateContent?alt=sse")
        }
    }

    @Test func reportsTruncationAsLength() async throws {
        try await withGemini { provider, _ in
            let response = try await provider.complete(Self.request("long: please"), context: Self.context)
            #expect(response.choices[0].finishReason == .length)
            #expect(response.choices[0].message.content?.text == FakeScenario.truncatedText)
        }
    }

    // MARK: - Tools

    @Test func callsATool() async throws {
        try await withGemini { provider, recorder in
            var request = Self.request("call: the weather")
            request.tools = [Self.weatherTool]
            request.toolChoice = .required
            let response = try await provider.complete(request, context: Self.context)
            let choice = response.choices[0]
            #expect(choice.finishReason == .toolCalls)
            #expect(choice.message.content == nil)
            let call = try #require(choice.message.toolCalls?.first)
            #expect(call.id.hasPrefix("call_"))
            #expect(call.function.name == "get_weather")
            #expect(try Self.json(call.function.arguments) == Self.json(FakeScenario.toolArguments))
            let body = try Self.json(try #require(recorder.last).body)
            let declaration = body["tools"]?.arrayValue?.first?["functionDeclarations"]?.arrayValue?.first
            #expect(declaration?["name"] == "get_weather")
            #expect(declaration?["parametersJsonSchema"]?["type"] == "object")
            #expect(body["toolConfig"]?["functionCallingConfig"]?["mode"] == "ANY")
        }
    }

    @Test func callsToolsInParallel() async throws {
        try await withGemini { provider, _ in
            var request = Self.request("call2: two cities")
            request.tools = [Self.weatherTool]
            let response = try await provider.complete(request, context: Self.context)
            let calls = try #require(response.choices[0].message.toolCalls)
            #expect(calls.count == 2)
            #expect(Set(calls.map(\.id)).count == 2)
            #expect(try calls.map { try Self.json($0.function.arguments) } == FakeScenario.parallelArguments.map { try Self.json($0) })
            #expect(response.choices[0].finishReason == .toolCalls)
        }
    }

    @Test func streamsToolCallsThatReassemble() async throws {
        try await withGemini { provider, _ in
            var request = Self.request("call2: two cities")
            request.tools = [Self.weatherTool]
            request.stream = true
            let chunks = try await Self.collect(provider.stream(request, context: Self.context))
            var arguments: [Int: String] = [:]
            var names: [Int: String] = [:]
            var ids: [Int: String] = [:]
            for delta in chunks.compactMap({ $0.choices.first?.delta.toolCalls }).joined() {
                arguments[delta.index, default: ""] += delta.function?.arguments ?? ""
                if let name = delta.function?.name { names[delta.index] = name }
                if let id = delta.id { ids[delta.index] = id }
            }
            #expect(arguments.keys.sorted() == [0, 1])
            #expect(try Self.json(arguments[0] ?? "") == Self.json(FakeScenario.parallelArguments[0]))
            #expect(try Self.json(arguments[1] ?? "") == Self.json(FakeScenario.parallelArguments[1]))
            #expect(names == [0: "get_weather", 1: "get_weather"])
            #expect(ids[0]?.hasPrefix("call_") == true && ids[0] != ids[1])
            #expect(chunks.compactMap { $0.choices.first?.finishReason } == [.toolCalls])
        }
    }

    @Test func sendsToolResultsBack() async throws {
        try await withGemini { provider, recorder in
            var request = ChatRequest(
                model: "gemini-test",
                messages: [
                    .text(.user, "What is the weather in Paris and Tokyo?"),
                    ChatMessage(
                        role: .assistant,
                        toolCalls: [
                            ToolCall(id: "call_1", function: FunctionCall(name: "get_weather", arguments: #"{"city":"Paris"}"#)),
                            ToolCall(id: "call_2", function: FunctionCall(name: "get_time", arguments: #"{"city":"Tokyo"}"#)),
                        ]),
                    ChatMessage(role: .tool, content: .text(#"{"temp":21}"#), toolCallID: "call_1"),
                    ChatMessage(role: .tool, content: .text("nine o'clock"), toolCallID: "call_2"),
                ])
            request.tools = [Self.weatherTool]
            let response = try await provider.complete(request, context: Self.context)
            #expect(response.choices[0].message.content?.text == "Echo: What is the weather in Paris and Tokyo?")
            let entry = try #require(recorder.last)
            let contents = try #require(try Self.json(entry.body)["contents"]?.arrayValue)
            #expect(contents.map { $0["role"] } == ["user", "model", "user"])
            let calls = contents[1]["parts"]?.arrayValue ?? []
            #expect(calls.map { $0["functionCall"]?["name"] } == ["get_weather", "get_time"])
            #expect(calls[0]["functionCall"]?["args"] == ["city": "Paris"])
            #expect(calls[0]["thoughtSignature"]?.stringValue == GeminiRequestTranslator.placeholderSignature)
            let results = contents[2]["parts"]?.arrayValue ?? []
            #expect(results.count == 2)
            #expect(results[0]["functionResponse"]?["name"] == "get_weather")
            #expect(results[0]["functionResponse"]?["response"] == ["temp": 21])
            #expect(results[1]["functionResponse"]?["name"] == "get_time")
            #expect(results[1]["functionResponse"]?["response"] == ["result": "nine o'clock"])
        }
    }

    // MARK: - Reasoning and JSON

    @Test func returnsReasoning() async throws {
        try await withGemini { provider, recorder in
            var request = Self.request("think: what is 6 times 7?")
            request.reasoningEffort = "high"
            let response = try await provider.complete(request, context: Self.context)
            #expect(response.choices[0].message.reasoningContent == FakeScenario.reasoningText)
            #expect(response.choices[0].message.content?.text == FakeScenario.reasoningAnswer)
            #expect(response.usage?.reasoningTokens == FakeScenario.reasoningTokens)
            #expect(response.usage?.completionTokens == FakeScenario.completionTokens)
            let config = try Self.json(try #require(recorder.last).body)["generationConfig"]?["thinkingConfig"]
            #expect(config?["thinkingBudget"] == 24576)
            #expect(config?["includeThoughts"] == true)
        }
    }

    @Test func streamsReasoning() async throws {
        try await withGemini { provider, _ in
            var request = Self.request("think: what is 6 times 7?")
            request.reasoningEffort = "low"
            let chunks = try await Self.collect(provider.stream(request, context: Self.context))
            #expect(chunks.compactMap { $0.choices.first?.delta.reasoningContent }.joined() == FakeScenario.reasoningText)
            #expect(chunks.compactMap { $0.choices.first?.delta.content }.joined() == FakeScenario.reasoningAnswer)
            #expect(chunks.last?.usage?.reasoningTokens == FakeScenario.reasoningTokens)
            #expect(chunks.last?.usage?.completionTokens == FakeScenario.completionTokens)
        }
    }

    @Test func asksForJSONWithASchema() async throws {
        try await withGemini { provider, recorder in
            let schema: JSONValue = ["type": "object", "properties": ["answer": ["type": "integer"]], "required": ["answer"]]
            var request = Self.request("json: give me data")
            request.responseFormat = .jsonSchema(JSONSchemaFormat(name: "data", schema: schema, strict: true))
            let response = try await provider.complete(request, context: Self.context)
            #expect(try Self.json(response.choices[0].message.content?.text ?? "") == Self.json(FakeScenario.jsonAnswer))
            let config = try Self.json(try #require(recorder.last).body)["generationConfig"]
            #expect(config?["responseMimeType"] == "application/json")
            #expect(config?["responseJsonSchema"] == schema)
        }
    }

    @Test func streamsJSONMode() async throws {
        try await withGemini { provider, recorder in
            var request = Self.request("json: give me data")
            request.responseFormat = .jsonObject
            let chunks = try await Self.collect(provider.stream(request, context: Self.context))
            let text = chunks.compactMap { $0.choices.first?.delta.content }.joined()
            #expect(try Self.json(text) == Self.json(FakeScenario.jsonAnswer))
            let config = try Self.json(try #require(recorder.last).body)["generationConfig"]
            #expect(config?["responseMimeType"] == "application/json")
            #expect(config?["responseJsonSchema"] == nil)
        }
    }

    @Test func mapsCachedTokens() async throws {
        try await withGemini { provider, _ in
            let prompt = String(repeating: "a long prompt ", count: 8)
            let response = try await provider.complete(Self.request(prompt), context: Self.context)
            let promptTokens = FakeScenario.promptTokens(characters: prompt.count)
            #expect(response.usage?.promptTokens == promptTokens)
            #expect(response.usage?.cachedTokens == FakeScenario.cachedTokens(promptTokens: promptTokens))
            #expect(response.usage?.cachedTokens == 3)
            #expect(response.usage?.totalTokens == promptTokens + FakeScenario.completionTokens)
        }
    }
}
