import Foundation
import SluiceAPI
import SluiceGateway
import SluiceTesting
import Testing

/// `POST /v1/messages`: Anthropic clients served by any backend.
@Suite("Anthropic Messages ingress")
struct MessagesIngressTests {
    static func body(_ model: String, _ text: String, stream: Bool = false, extra: String = "") -> String {
        #"{"model":"\#(model)","max_tokens":256,"messages":[{"role":"user","content":"\#(text)"}]\#(stream ? #","stream":true"# : "")\#(extra)}"#
    }

    static let tool = #","tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]"#

    @Test("a message answered by each backend", arguments: ["gpt", "claude", "gemini"])
    func message(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send("/v1/messages", body: Self.body(model, "hello"))
                #expect(reply.status == 200, "\(reply.body)")
                let json = try #require(reply.json)
                #expect(json["type"] == "message")
                #expect(json["role"] == "assistant")
                #expect(json["content"]?.arrayValue?.first?["text"] == .string("Echo: hello"))
                #expect(json["stop_reason"] == "end_turn")
                #expect(json["usage"]?["output_tokens"] == .int(Int64(FakeScenario.completionTokens)))
                #expect(reply.headers.first(name: "x-sluice-model") == model)
            }
        }
    }

    @Test("streamed events in order, with tool input deltas", arguments: ["gpt", "claude", "gemini"])
    func streamedTool(model: String) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send("/v1/messages", body: Self.body(model, "call: weather", stream: true, extra: Self.tool))
                #expect(reply.status == 200, "\(reply.body)")
                let events = reply.events
                let names = events.compactMap(\.event)
                #expect(names.first == "message_start")
                #expect(names.last == "message_stop")
                #expect(names.contains("content_block_start"))
                #expect(names.filter { $0 == "content_block_start" }.count == names.filter { $0 == "content_block_stop" }.count)
                let partial = events.filter { $0.event == "content_block_delta" }
                    .compactMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.data.utf8)) }
                    .compactMap { $0["delta"]?["partial_json"]?.stringValue }.joined()
                let parsed = try JSONDecoder().decode(JSONValue.self, from: Data(partial.utf8))
                #expect(parsed == (try JSONDecoder().decode(JSONValue.self, from: Data(FakeScenario.toolArguments.utf8))))
                let delta = events.first { $0.event == "message_delta" }.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.data.utf8)) }
                #expect(delta?["delta"]?["stop_reason"] == "tool_use")
            }
        }
    }

    @Test("errors come back in Anthropic's shape")
    func errors() async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let unknown = try await gateway.send("/v1/messages", body: Self.body("nope", "hi"))
                #expect(unknown.status == 404)
                #expect(unknown.json?["type"] == "error")
                #expect(unknown.json?["error"]?["type"] == "not_found_error")
                let malformed = try await gateway.send("/v1/messages", body: "{")
                #expect(malformed.status == 400)
                #expect(malformed.json?["error"]?["type"] == "invalid_request_error")
                let limited = try await gateway.send("/v1/messages", body: Self.body("gpt", "error:429"))
                #expect(limited.status == 429)
                #expect(limited.json?["error"]?["type"] == "rate_limit_error")
                #expect(limited.headers.first(name: "retry-after") == "7")
            }
        }
    }
}
