import Foundation
import SluiceAPI
import Testing

@Suite("Chat request coding")
struct ChatRequestCodingTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    func json(_ value: some Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    @Test("the full surface decodes and round-trips, unknown members included")
    func fullSurface() throws {
        let text = """
            {"model":"m","messages":[
              {"role":"system","content":"be brief"},
              {"role":"developer","content":"dev"},
              {"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAA","detail":"low"}},{"type":"file","file":{"file_id":"f1"}}],"name":"ann"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}}],"prefix":true},
              {"role":"tool","tool_call_id":"c1","content":"42"}],
             "stream":true,"stream_options":{"include_usage":true},"temperature":0.2,"top_p":0.9,"max_tokens":10,
             "max_completion_tokens":12,"stop":"END","seed":9007199254740993,"n":1,"presence_penalty":0.1,"frequency_penalty":-0.1,
             "logit_bias":{"42":-100},"logprobs":true,"top_logprobs":3,"user":"u1","metadata":{"k":"v"},
             "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"},"strict":true}}],
             "tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false,
             "response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"},"strict":true}},
             "reasoning_effort":"low","top_k":40,"enable_thinking":true,"sluice":{"tier":"free"}}
            """
        let request = try decode(ChatRequest.self, text)
        #expect(request.messages.count == 5)
        #expect(request.messages[2].content?.hasImage == true)
        #expect(request.messages[2].content?.text == "look")
        #expect(request.messages[3].toolCalls?.first?.function.arguments == #"{"a":1}"#)
        #expect(request.messages[3].extra["prefix"] == .bool(true))
        #expect(request.stop?.values == ["END"])
        #expect(request.seed == 9_007_199_254_740_993)
        #expect(request.toolChoice == .function(name: "f"))
        #expect(request.extra["top_k"] == .int(40))
        #expect(request.extra["enable_thinking"] == .bool(true))
        #expect(request.sluice?["tier"] == .string("free"))
        #expect(request.outputTokenLimit == 12)
        #expect(request.includeUsageInStream)
        try request.validate()

        let encoded = try json(request)
        #expect(encoded["top_k"] == .int(40))
        #expect(encoded["sluice"] == nil, "the Sluice extension is never forwarded")
        #expect(encoded["messages"]?.arrayValue?[2]["content"]?.arrayValue?[2]["type"] == "file")
        #expect(encoded["messages"]?.arrayValue?[3]["prefix"] == .bool(true))
        #expect(encoded["seed"] == .int(9_007_199_254_740_993))
        let again = try JSONDecoder().decode(ChatRequest.self, from: JSONEncoder().encode(request))
        var expected = request
        expected.sluice = nil
        #expect(again == expected)
    }

    @Test("decoding errors name the parameter")
    func decodingErrors() throws {
        func apiError(_ text: String) -> APIError? {
            do {
                _ = try decode(ChatRequest.self, text)
                return nil
            } catch let error as DecodingError {
                return APIError(decoding: error)
            } catch {
                return nil
            }
        }
        #expect(apiError(#"{"messages":[]}"#)?.param == "model")
        #expect(apiError(#"{"model":"m","messages":[{"role":"user","content":1}]}"#)?.param == "messages[0].content")
        #expect(apiError(#"{"model":"m","messages":[],"temperature":"x"}"#)?.param == "temperature")
        #expect(apiError(#"{"model":"m","messages":[{"role":"robot","content":"x"}]}"#)?.param == "messages[0].role")
        #expect(apiError(#"{"model":"m""#)?.code == "invalid_json")
    }

    @Test("DeepSeek and OpenRouter dialects read as canonical")
    func dialects() throws {
        let usage = try decode(Usage.self, #"{"prompt_tokens":100,"completion_tokens":5,"total_tokens":105,"prompt_cache_hit_tokens":64,"prompt_cache_miss_tokens":36}"#)
        #expect(usage.cachedTokens == 64)
        let standard = try decode(Usage.self, #"{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":3}}"#)
        #expect(standard.cachedTokens == 4)
        #expect(standard.reasoningTokens == 3)
        let delta = try decode(ChatDelta.self, #"{"reasoning":"hmm"}"#)
        #expect(delta.reasoningContent == "hmm")
        let message = try decode(ChatMessage.self, #"{"role":"assistant","content":"a","reasoning":"why"}"#)
        #expect(message.reasoningContent == "why")
        #expect(message.extra.isEmpty)
    }

    @Test("error bodies always carry the four members")
    func errorShape() throws {
        let body = try json(APIError.modelNotFound("x").body)
        #expect(body["error"]?.objectValue?.keys.sorted() == ["code", "message", "param", "type"])
        #expect(body["error"]?["code"] == "model_not_found")
        let bare = try json(APIError.internalError("boom").body)
        #expect(bare["error"]?["param"] == .null)
    }

    @Test("chunks encode finish_reason as null until the end")
    func chunkShape() throws {
        let chunk = ChatChunk(id: "c", created: 1, model: "m", choices: [ChunkChoice(delta: ChatDelta(content: "hi"))])
        let encoded = try json(chunk)
        #expect(encoded["object"] == "chat.completion.chunk")
        #expect(encoded["choices"]?.arrayValue?.first?["finish_reason"] == .null)
        #expect(encoded["usage"] == nil)
    }
}
