import Foundation
import SluiceAPI
import SluiceGateway
import SluiceTesting
import Testing

/// Bad requests get the right 4xx in the OpenAI error shape, naming the parameter where there is one.
@Suite("Bad input")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var status: Int = 400
        var type: String = "invalid_request_error"
        var param: String?
        var model: String = "gpt"
        var testDescription: String { name }
    }

    static let user = #"[{"role":"user","content":"hi"}]"#

    static func chat(_ extra: String, messages: String = user, model: String = "gpt") -> String {
        #"{"model":"\#(model)","messages":\#(messages)\#(extra)}"#
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: #"{"model": "gpt", "messages": ["#),
        Case(name: "empty body", body: ""),
        Case(name: "body is an array", body: "[]"),
        Case(name: "body is a string", body: #""hello""#),
        Case(name: "missing model", body: #"{"messages":\#(user)}"#, param: "model"),
        Case(name: "missing messages", body: #"{"model":"gpt"}"#, param: "messages"),
        Case(name: "model is a number", body: #"{"model":123,"messages":\#(user)}"#, param: "model"),
        Case(name: "messages is an object", body: #"{"model":"gpt","messages":{"role":"user"}}"#, param: "messages"),
        Case(name: "messages is empty", body: chat("", messages: "[]"), param: "messages"),
        Case(name: "message without role", body: chat("", messages: #"[{"content":"hi"}]"#), param: "messages[0].role"),
        Case(name: "unknown role", body: chat("", messages: #"[{"role":"wizard","content":"hi"}]"#), param: "messages[0].role"),
        Case(name: "content is a number", body: chat("", messages: #"[{"role":"user","content":5}]"#), param: "messages[0].content"),
        Case(name: "user message without content", body: chat("", messages: #"[{"role":"user"}]"#), param: "messages[0].content"),
        Case(name: "empty content array", body: chat("", messages: #"[{"role":"user","content":[]}]"#), param: "messages[0].content"),
        Case(name: "image part without url", body: chat("", messages: #"[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]"#)),
        Case(name: "tool message without tool_call_id", body: chat("", messages: #"[{"role":"user","content":"a"},{"role":"tool","content":"x"}]"#), param: "messages[1].tool_call_id"),
        Case(name: "temperature too high", body: chat(#","temperature":3"#), param: "temperature"),
        Case(name: "temperature is a string", body: chat(#","temperature":"hot""#), param: "temperature"),
        Case(name: "top_p above 1", body: chat(#","top_p":1.5"#), param: "top_p"),
        Case(name: "n is zero", body: chat(#","n":0"#), param: "n"),
        Case(name: "max_tokens is zero", body: chat(#","max_tokens":0"#), param: "max_tokens"),
        Case(name: "max_tokens is negative", body: chat(#","max_tokens":-5"#), param: "max_tokens"),
        Case(name: "max_tokens is a string", body: chat(#","max_tokens":"10""#), param: "max_tokens"),
        Case(name: "max_completion_tokens is zero", body: chat(#","max_completion_tokens":0"#), param: "max_completion_tokens"),
        Case(name: "presence_penalty out of range", body: chat(#","presence_penalty":5"#), param: "presence_penalty"),
        Case(name: "frequency_penalty out of range", body: chat(#","frequency_penalty":-3"#), param: "frequency_penalty"),
        Case(name: "top_logprobs above 20", body: chat(#","logprobs":true,"top_logprobs":30"#), param: "top_logprobs"),
        Case(name: "top_logprobs without logprobs", body: chat(#","top_logprobs":5"#), param: "top_logprobs"),
        Case(name: "logit_bias out of range", body: chat(#","logit_bias":{"50256":200}"#), param: "logit_bias"),
        Case(name: "stream is a string", body: chat(#","stream":"yes""#), param: "stream"),
        Case(name: "stream_options without stream", body: chat(#","stream_options":{"include_usage":true}"#), param: "stream_options"),
        Case(name: "empty stop sequence", body: chat(#","stop":[""]"#), param: "stop"),
        Case(name: "stop is a number", body: chat(#","stop":7"#), param: "stop"),
        Case(name: "tool of unknown type", body: chat(#","tools":[{"type":"retrieval","function":{"name":"f"}}]"#), param: "tools[0].type"),
        Case(name: "tool name with spaces", body: chat(#","tools":[{"type":"function","function":{"name":"get weather"}}]"#), param: "tools[0].function.name"),
        Case(name: "duplicate tool names", body: chat(#","tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]"#), param: "tools[1].function.name"),
        Case(name: "tool parameters not an object", body: chat(#","tools":[{"type":"function","function":{"name":"f","parameters":"x"}}]"#), param: "tools[0].function.parameters"),
        Case(name: "unknown tool_choice mode", body: chat(#","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"sometimes""#), param: "tool_choice"),
        Case(name: "tool_choice names an undefined function", body: chat(#","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"g"}}"#), param: "tool_choice"),
        Case(name: "tool_choice without tools", body: chat(#","tool_choice":"required""#), param: "tool_choice"),
        Case(name: "unknown response_format type", body: chat(#","response_format":{"type":"xml"}"#), param: "response_format.type"),
        Case(name: "json_schema without schema", body: chat(#","response_format":{"type":"json_schema","json_schema":{"name":"x"}}"#), param: "response_format.json_schema.schema"),
        Case(name: "unknown reasoning_effort", body: chat(#","reasoning_effort":"extreme""#), param: "reasoning_effort"),
        Case(name: "metadata is a string", body: chat(#","metadata":"x""#), param: "metadata"),
        Case(name: "unknown model", body: chat("", model: "nope"), status: 404, param: "model"),
        Case(name: "logprobs on a backend without them", body: chat(#","logprobs":true"#, model: "claude"), param: "logprobs"),
        Case(name: "n above 1 on a backend without it", body: chat(#","n":2"#, model: "claude"), param: "n"),
    ]

    @Test("each bad request gets its 4xx", arguments: cases)
    func badRequest(_ testCase: Case) async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: testCase.body)
                #expect(reply.status == testCase.status, "\(testCase.name): \(reply.body)")
                #expect(reply.errorType == testCase.type, "\(testCase.name): \(reply.body)")
                if let param = testCase.param {
                    #expect(reply.errorParam == param, "\(testCase.name): \(reply.body)")
                }
                let error = try #require(reply.json?["error"], "\(testCase.name): \(reply.body)")
                #expect(error["message"]?.stringValue?.isEmpty == false)
                #expect(error.objectValue?.keys.sorted() == ["code", "message", "param", "type"])
                #expect(reply.headers.first(name: "x-sluice-request-id") != nil)
            }
        }
    }

    @Test("a body over the limit gets 413")
    func tooLarge() async throws {
        try await Upstreams.with { config in
            var config = config
            config.server.maxBodyBytes = 64 * 1024
            try await GatewayHarness.with(config) { gateway in
                let big = String(repeating: "a", count: 100 * 1024)
                let reply = try await gateway.send("/v1/chat/completions", body: Self.chat("", messages: #"[{"role":"user","content":"\#(big)"}]"#))
                #expect(reply.status == 413)
                #expect(reply.errorType == "invalid_request_error")
                #expect(reply.json?["error"]?["code"]?.stringValue == "request_too_large")
            }
        }
    }

    @Test("an unknown path gets 404 in the error shape")
    func unknownPath() async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send("/v1/completions-of-nothing", body: "{}")
                #expect(reply.status == 404)
                #expect(reply.errorType == "invalid_request_error")
            }
        }
    }

    @Test("the upstream's key is never echoed in errors")
    func keyNotLeaked() async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                for text in ["error:500", "error:429", "error:400"] {
                    let reply = try await gateway.send("/v1/chat/completions", body: Self.chat("", messages: #"[{"role":"user","content":"\#(text)"}]"#))
                    #expect(!reply.body.contains(FakeOpenAI.apiKey))
                    #expect(reply.status >= 400)
                }
            }
        }
    }
}
