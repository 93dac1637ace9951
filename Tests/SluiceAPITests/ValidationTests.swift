import Foundation
import SluiceAPI
import Testing

@Suite("Request validation")
struct ValidationTests {
    func request(_ extra: String) throws -> ChatRequest {
        try JSONDecoder().decode(
            ChatRequest.self, from: Data(#"{"model":"m","messages":[{"role":"user","content":"hi"}]\#(extra)}"#.utf8))
    }

    @Test("valid requests pass")
    func valid() throws {
        try request("").validate()
        try request(#","temperature":0,"top_p":1,"n":1,"max_tokens":1,"logprobs":true,"top_logprobs":20,"reasoning_effort":"none""#).validate()
        try request(#","tools":[{"type":"function","function":{"name":"a-b_c"}}],"tool_choice":"auto","parallel_tool_calls":true"#).validate()
        try request(#","stream":true,"stream_options":{"include_usage":false}"#).validate()
    }

    @Test("out-of-range values name their parameter", arguments: [
        (#","temperature":2.5"#, "temperature"), (#","top_p":-0.1"#, "top_p"), (#","n":129"#, "n"),
        (#","max_tokens":0"#, "max_tokens"), (#","top_logprobs":2"#, "top_logprobs"),
        (#","reasoning_effort":"max""#, "reasoning_effort"), (#","tool_choice":"auto""#, "tool_choice"),
        (#","response_format":{"type":"json_schema","json_schema":{"name":"bad name","schema":{}}}"#, "response_format.json_schema.name"),
    ])
    func invalid(_ extra: String, _ param: String) throws {
        let parsed = try request(extra)
        #expect(throws: APIError.self) { try parsed.validate() }
        do {
            try parsed.validate()
        } catch {
            #expect(error.param == param)
            #expect(error.status == 400)
        }
    }
}
