import Foundation
import SluiceAPI
import SluiceGateway
import SluiceTesting
import Testing

/// `POST /v1/chat/completions` end to end: client → gateway → a real fake upstream of each kind.
@Suite("Chat completions through every backend")
struct ChatCompletionsTests {
    static let models = ["gpt", "claude", "gemini"]

    static func body(_ model: String, _ text: String, stream: Bool = false, extra: String = "") -> String {
        let streamPart = stream ? #","stream":true"# : ""
        return #"{"model":"\#(model)","messages":[{"role":"user","content":"\#(text)"}]\#(streamPart)\#(extra)}"#
    }

    static let weatherTool = #","tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}}}]"#

    @Test("non-streamed text", arguments: models)
    func text(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body(model, "hello there"))
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.headers.first(name: "x-sluice-model") == model)
                #expect(reply.headers.first(name: "x-sluice-request-id")?.hasPrefix("req_") == true)
                let response = try JSONDecoder().decode(ChatResponse.self, from: Data(reply.body.utf8))
                #expect(response.choices.first?.message.content?.text == "Echo: hello there")
                #expect(response.choices.first?.finishReason == .stop)
                #expect(response.usage?.completionTokens == FakeScenario.completionTokens)
                #expect((response.usage?.promptTokens ?? 0) >= 1)
            }
        }
    }

    @Test("streamed text with the usage chunk when asked for", arguments: models)
    func streamWithUsage(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send(
                    "/v1/chat/completions",
                    body: Self.body(model, "stream me please", stream: true, extra: #","stream_options":{"include_usage":true}"#))
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.headers.first(name: "content-type") == "text/event-stream")
                let events = reply.events
                #expect(events.last?.data == "[DONE]")
                let chunks = try events.dropLast().map { try JSONDecoder().decode(ChatChunk.self, from: Data($0.data.utf8)) }
                let text = chunks.compactMap { $0.choices.first?.delta.content }.joined()
                #expect(text == "Echo: stream me please")
                #expect(chunks.filter { $0.choices.first?.delta.content?.isEmpty == false }.count >= 2, "content arrives in pieces")
                let usageChunks = chunks.filter { $0.usage != nil }
                #expect(usageChunks.count == 1)
                #expect(usageChunks.first?.choices.isEmpty == true)
                #expect(usageChunks.first?.usage?.completionTokens == FakeScenario.completionTokens)
                #expect(chunks.contains { $0.choices.first?.finishReason == .stop })
            }
        }
    }

    @Test("streamed text without usage when not asked", arguments: models)
    func streamWithoutUsage(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body(model, "no usage", stream: true))
                let chunks = try reply.events.dropLast().map { try JSONDecoder().decode(ChatChunk.self, from: Data($0.data.utf8)) }
                #expect(!chunks.isEmpty)
                #expect(chunks.allSatisfy { $0.usage == nil })
                #expect(reply.events.last?.data == "[DONE]")
            }
        }
    }

    @Test("streamed tool-call arguments survive the translation", arguments: models)
    func streamedToolCall(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send(
                    "/v1/chat/completions", body: Self.body(model, "call: weather please", stream: true, extra: Self.weatherTool))
                #expect(reply.status == 200, "\(reply.body)")
                let chunks = try reply.events.dropLast().map { try JSONDecoder().decode(ChatChunk.self, from: Data($0.data.utf8)) }
                let deltas = chunks.flatMap { $0.choices.first?.delta.toolCalls ?? [] }
                let arguments = deltas.filter { $0.index == 0 }.compactMap { $0.function?.arguments }.joined()
                let parsed = try JSONDecoder().decode(JSONValue.self, from: Data(arguments.utf8))
                let expected = try JSONDecoder().decode(JSONValue.self, from: Data(FakeScenario.toolArguments.utf8))
                #expect(parsed == expected)
                #expect(deltas.first?.id?.isEmpty == false)
                #expect(deltas.first?.function?.name == "get_weather")
                #expect(chunks.contains { $0.choices.first?.finishReason == .toolCalls })
            }
        }
    }

    @Test("non-streamed parallel tool calls", arguments: models)
    func parallelToolCalls(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send(
                    "/v1/chat/completions", body: Self.body(model, "call2: two cities", extra: Self.weatherTool))
                let response = try JSONDecoder().decode(ChatResponse.self, from: Data(reply.body.utf8))
                let calls = response.choices.first?.message.toolCalls ?? []
                #expect(calls.count == 2)
                #expect(calls.map(\.function.name) == ["get_weather", "get_weather"])
                let cities = try calls.map { try JSONDecoder().decode(JSONValue.self, from: Data($0.function.arguments.utf8))["city"] }
                #expect(cities == [.string("Paris"), .string("Tokyo")])
                #expect(Set(calls.map(\.id)).count == 2)
                #expect(response.choices.first?.finishReason == .toolCalls)
            }
        }
    }

    @Test("streamed reasoning deltas survive the translation", arguments: models)
    func streamedReasoning(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send(
                    "/v1/chat/completions",
                    body: Self.body(model, "think: what is 6 times 7", stream: true, extra: #","reasoning_effort":"high","stream_options":{"include_usage":true}"#))
                #expect(reply.status == 200, "\(reply.body)")
                let chunks = try reply.events.dropLast().map { try JSONDecoder().decode(ChatChunk.self, from: Data($0.data.utf8)) }
                let reasoning = chunks.compactMap { $0.choices.first?.delta.reasoningContent }.joined()
                let content = chunks.compactMap { $0.choices.first?.delta.content }.joined()
                #expect(reasoning == FakeScenario.reasoningText)
                #expect(content == FakeScenario.reasoningAnswer)
                // Anthropic's usage counts thinking inside output_tokens, with no separate figure.
                if model != "claude" {
                    #expect(chunks.last { $0.usage != nil }?.usage?.reasoningTokens == FakeScenario.reasoningTokens)
                }
            }
        }
    }

    @Test("JSON mode returns parseable JSON", arguments: models)
    func jsonMode(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let format = #","response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object","properties":{"answer":{"type":"integer"}},"required":["answer"]}}}"#
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body(model, "json: give me json", extra: format))
                #expect(reply.status == 200, "\(reply.body)")
                let response = try JSONDecoder().decode(ChatResponse.self, from: Data(reply.body.utf8))
                let content = response.choices.first?.message.content?.text ?? ""
                let parsed = try JSONDecoder().decode(JSONValue.self, from: Data(content.utf8))
                #expect(parsed["answer"] == .int(42))
            }
        }
    }

    @Test("upstream 429 stays 429 with Retry-After", arguments: models)
    func rateLimited(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body(model, "error:429"))
                #expect(reply.status == 429)
                #expect(reply.headers.first(name: "retry-after") == "7")
                #expect(reply.json?["error"]?["message"]?.stringValue?.contains(model) == true, "names the upstream")
                #expect(reply.headers.first(name: "x-sluice-request-id") != nil)
            }
        }
    }

    @Test("upstream 500 stays 500", arguments: models)
    func serverError(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body(model, "error:500"))
                #expect(reply.status == 500)
                #expect(reply.json?["error"]?["message"] != nil)
            }
        }
    }

    @Test("a stream that breaks mid-way ends with an error event", arguments: models)
    func midStreamFailure(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body(model, "midfail: go", stream: true))
                #expect(reply.status == 200)
                let last = try #require(reply.events.last)
                #expect(last.data != "[DONE]")
                let error = try JSONDecoder().decode(JSONValue.self, from: Data(last.data.utf8))
                #expect(error["error"]?["message"]?.stringValue?.isEmpty == false)
            }
        }
    }

    @Test("unknown request members pass through to OpenAI-compatible upstreams")
    func passThrough() async throws {
        let recorder = RecordedRequests()
        try await Upstreams.with(recorder: recorder) { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send(
                    "/v1/chat/completions",
                    body: Self.body("gpt", "hi", extra: #","top_k":40,"repetition_penalty":1.1,"enable_thinking":false,"seed":9007199254740993"#))
                #expect(reply.status == 200)
                let sent = try #require(recorder.last?.body)
                let upstream = try JSONDecoder().decode(JSONValue.self, from: Data(sent))
                #expect(upstream["top_k"] == .int(40))
                #expect(upstream["repetition_penalty"] == .double(1.1))
                #expect(upstream["enable_thinking"] == .bool(false))
                #expect(upstream["seed"] == .int(9_007_199_254_740_993))
                #expect(upstream["model"] == .string("fake-gpt"), "the upstream model id is sent")
            }
        }
    }

    @Test("GET /v1/models lists the configured models")
    func listModels() async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send("/v1/models", method: .GET)
                #expect(reply.status == 200)
                let ids = reply.json?["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
                #expect(ids == ["gpt", "claude", "gemini"])
            }
        }
    }
}
