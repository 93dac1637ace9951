import Foundation
import Testing

@testable import SluiceAPI

/// Decodes examples taken from Anthropic's Messages API and streaming documentation.
@Suite struct AnthropicWireTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    @Test func decodesDocumentedToolRequest() throws {
        let json = #"""
            {"model": "claude-opus-4-1-20250805", "max_tokens": 1024,
             "tools": [{"name": "get_weather", "description": "Get the current weather in a given location",
               "input_schema": {"type": "object", "properties": {"location": {"type": "string",
               "description": "The city and state, e.g. San Francisco, CA"}}, "required": ["location"]}}],
             "tool_choice": {"type": "any"},
             "messages": [{"role": "user", "content": "What is the weather like in San Francisco?"}],
             "stream": true}
            """#
        let request = try decode(AnthropicMessagesRequest.self, json)
        #expect(request.maxTokens == 1024)
        #expect(request.stream == true)
        #expect(request.tools?.first?.name == "get_weather")
        #expect(request.tools?.first?.inputSchema?["required"] == ["location"])
        #expect(request.toolChoice == AnthropicToolChoice(type: "any"))
        #expect(request.messages.first?.content == .text("What is the weather like in San Francisco?"))
    }

    @Test func decodesThinkingSystemBlocksAndUnknownMembers() throws {
        let json = #"""
            {"model": "m", "max_tokens": 20000, "thinking": {"type": "enabled", "budget_tokens": 16000},
             "system": [{"type": "text", "text": "Today's date is 2024-06-01.", "cache_control": {"type": "ephemeral"}}],
             "service_tier": "auto", "metadata": {"user_id": "13803d75-b4b5-4c3e-b2a2-6f21399b021b"},
             "messages": [{"role": "user", "content": [{"type": "text", "text": "What is 27 * 453?"}]}]}
            """#
        let request = try decode(AnthropicMessagesRequest.self, json)
        #expect(request.thinking == .enabled(budgetTokens: 16000))
        #expect(request.system == .blocks([.text("Today's date is 2024-06-01.", cacheControl: ["type": "ephemeral"])]))
        #expect(request.extra["service_tier"] == "auto")
        #expect(request.metadata?.userID == "13803d75-b4b5-4c3e-b2a2-6f21399b021b")
        let reencoded = try JSONEncoder().encode(request)
        #expect(try JSONDecoder().decode(AnthropicMessagesRequest.self, from: reencoded) == request)
    }

    @Test func decodesDocumentedMessage() throws {
        let json = #"""
            {"content": [{"text": "Hi! My name is Claude.", "type": "text"}], "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
             "model": "claude-sonnet-4-20250514", "role": "assistant", "stop_reason": "end_turn",
             "stop_sequence": null, "type": "message", "usage": {"input_tokens": 2095, "output_tokens": 503}}
            """#
        let message = try decode(AnthropicMessagesResponse.self, json)
        #expect(message.id == "msg_013Zva2CMHLNnXjNJJKqJ2EF")
        #expect(message.content == [.text("Hi! My name is Claude.")])
        #expect(message.stopReason == .endTurn)
        #expect(message.usage?.canonical.promptTokens == 2095)
        #expect(message.usage?.canonical.completionTokens == 503)
    }

    @Test func decodesToolUseAndThinkingBlocks() throws {
        let json = #"""
            [{"type": "thinking", "thinking": "Let me analyze this step by step...", "signature": "WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL...."},
             {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP..."},
             {"type": "tool_use", "id": "toolu_01D7FLrfh4GYq7yT1ULFeyMV", "name": "get_stock_price", "input": {"ticker": "^GSPC"}},
             {"type": "tool_result", "tool_use_id": "toolu_01D7FLrfh4GYq7yT1ULFeyMV", "content": "259.75 USD"},
             {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQSkZJRg=="}},
             {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "x"}}]
            """#
        let blocks = try decode([AnthropicContentBlock].self, json)
        #expect(blocks.count == 6)
        guard case .thinking(let thinking, let signature) = blocks[0] else { Issue.record("not thinking"); return }
        #expect(thinking == "Let me analyze this step by step...")
        #expect(signature.hasPrefix("WaUjzkyp"))
        #expect(blocks[1].type == "redacted_thinking")
        #expect(blocks[2] == .toolUse(id: "toolu_01D7FLrfh4GYq7yT1ULFeyMV", name: "get_stock_price", input: ["ticker": "^GSPC"]))
        #expect(blocks[3] == .toolResult(AnthropicToolResult(toolUseID: "toolu_01D7FLrfh4GYq7yT1ULFeyMV", content: .text("259.75 USD"))))
        #expect(blocks[4] == .image(.base64(mediaType: "image/jpeg", data: "/9j/4AAQSkZJRg==")))
        #expect(blocks[5].type == "document")
        let roundTrip = try JSONDecoder().decode([AnthropicContentBlock].self, from: JSONEncoder().encode(blocks))
        #expect(roundTrip == blocks)
    }

    /// The "Streaming request with tool use" and "extended thinking" responses from the streaming guide.
    @Test func decodesDocumentedStreamEvents() throws {
        let stream = #"""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-opus-4-1-20250805","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"location\":"}}

            event: content_block_delta
            data: {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "\n2. 453 = 400 + 50 + 3"}}

            event: content_block_delta
            data: {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

            event: message_stop
            data: {"type":"message_stop"}

            event: error
            data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}


            """#
        var decoder = SSEDecoder()
        let events = decoder.feed(Array(stream.utf8))
        let parsed = try events.map { try decode(AnthropicStreamEvent.self, $0.data) }
        #expect(parsed.count == 10)
        for (event, sse) in zip(parsed, events) { #expect(event.name == sse.event) }
        guard case .messageStart(let start) = parsed[0] else { Issue.record("no message_start"); return }
        #expect(start.usage?.inputTokens == 472)
        #expect(parsed[1] == .contentBlockStart(index: 1, block: .toolUse(id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather", input: [:])))
        #expect(parsed[2] == .ping)
        #expect(parsed[3] == .contentBlockDelta(index: 1, delta: .inputJSON(#"{"location":"#)))
        #expect(parsed[4] == .contentBlockDelta(index: 0, delta: .thinking("\n2. 453 = 400 + 50 + 3")))
        #expect(parsed[5] == .contentBlockDelta(index: 0, delta: .signature("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...")))
        #expect(parsed[7] == .messageDelta(AnthropicMessageDelta(stopReason: .toolUse, usage: AnthropicUsage(inputTokens: nil, outputTokens: 89))))
        #expect(parsed[8] == .messageStop)
        #expect(parsed[9] == .error(AnthropicErrorBody.Detail(type: "overloaded_error", message: "Overloaded")))
    }

    @Test func unknownEventsAreKept() throws {
        let event = try decode(AnthropicStreamEvent.self, #"{"type":"future_event","x":1}"#)
        #expect(event == .unknown(type: "future_event", data: ["type": "future_event", "x": 1]))
    }

    @Test func decodesDocumentedErrorBody() throws {
        let json = #"""
            {"type": "error", "error": {"type": "not_found_error", "message": "The requested resource could not be found."}, "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"}
            """#
        let body = try decode(AnthropicErrorBody.self, json)
        #expect(body.error.type == "not_found_error")
        #expect(body.requestID == "req_011CSHoEeqs5C35K2UUqR7Fy")
        #expect(AnthropicErrorBody.status(forErrorType: body.error.type) == 404)
        #expect(AnthropicErrorBody.status(forErrorType: "overloaded_error") == 529)
        #expect(AnthropicErrorBody.errorType(forStatus: 413) == "request_too_large")
    }

    @Test func usageCountsCacheTokensIntoPromptTokens() {
        let usage = AnthropicUsage(inputTokens: 50, outputTokens: 9, cacheCreationInputTokens: 20, cacheReadInputTokens: 30)
        let canonical = usage.canonical
        #expect(canonical.promptTokens == 100)
        #expect(canonical.cachedTokens == 30)
        #expect(canonical.promptTokensDetails?.cacheWriteTokens == 20)
        #expect(canonical.totalTokens == 109)
        #expect(AnthropicUsage(canonical: canonical) == usage)
    }
}
