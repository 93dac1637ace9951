import Foundation
import Testing

@testable import SluiceAPI

@Suite struct AnthropicStreamEncoderTests {
    private func chunk(_ delta: ChatDelta, finish: FinishReason? = nil) -> ChatChunk {
        ChatChunk(id: "c", created: 0, model: "m", choices: [ChunkChoice(delta: delta, finishReason: finish)])
    }

    private func usageChunk(_ usage: Usage) -> ChatChunk {
        ChatChunk(id: "c", created: 0, model: "m", choices: [], usage: usage)
    }

    /// Runs the encoder over the chunks, then `finish()`, and decodes every event.
    private func run(_ chunks: [ChatChunk], inputTokens: Int? = 12) throws -> [AnthropicStreamEvent] {
        var encoder = AnthropicStreamEncoder(model: "claude-x", messageID: "msg_1", inputTokens: inputTokens)
        var events: [SSEEvent] = []
        for chunk in chunks { events += encoder.events(for: chunk) }
        events += encoder.finish()
        #expect(encoder.finish().isEmpty)
        return try events.map { sse in
            let event = try JSONDecoder().decode(AnthropicStreamEvent.self, from: Data(sse.data.utf8))
            #expect(sse.event == event.name)
            return event
        }
    }

    @Test func textStreamOrder() throws {
        let events = try run([
            chunk(ChatDelta(role: .assistant, content: "")), chunk(ChatDelta(content: "Hel")),
            chunk(ChatDelta(content: "lo")), chunk(ChatDelta(), finish: .stop),
            usageChunk(Usage(promptTokens: 40, completionTokens: 5, cachedTokens: 10)),
        ])
        #expect(events.map(\.name) == [
            "message_start", "content_block_start", "content_block_delta", "content_block_delta",
            "content_block_stop", "message_delta", "message_stop",
        ])
        guard case .messageStart(let start) = events[0] else { Issue.record("no message_start"); return }
        #expect(start.id == "msg_1")
        #expect(start.model == "claude-x")
        #expect(start.content.isEmpty)
        #expect(start.stopReason == nil)
        #expect(start.usage?.inputTokens == 12)
        #expect(events[1] == .contentBlockStart(index: 0, block: .text("")))
        #expect(events[2] == .contentBlockDelta(index: 0, delta: .text("Hel")))
        #expect(events[4] == .contentBlockStop(index: 0))
        #expect(
            events[5]
                == .messageDelta(
                    AnthropicMessageDelta(
                        stopReason: .endTurn,
                        usage: AnthropicUsage(inputTokens: 30, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 10))))
    }

    @Test func messageDeltaWaitsForUsage() {
        var encoder = AnthropicStreamEncoder(model: "m", messageID: "msg_1", inputTokens: nil)
        _ = encoder.events(for: chunk(ChatDelta(content: "x")))
        let atFinish = encoder.events(for: chunk(ChatDelta(), finish: .length))
        #expect(atFinish.map(\.event) == ["content_block_stop"])
        let atUsage = encoder.events(for: usageChunk(Usage(promptTokens: 3, completionTokens: 4)))
        #expect(atUsage.map(\.event) == ["message_delta", "message_stop"])
        #expect(atUsage[0].data.contains(#""stop_reason":"max_tokens""#))
        #expect(atUsage[0].data.contains(#""output_tokens":4"#))
        #expect(encoder.finish().isEmpty)
    }

    @Test func thinkingThenTextThenParallelTools() throws {
        let events = try run([
            chunk(ChatDelta(reasoningContent: "Think")), chunk(ChatDelta(reasoningContent: "ing.")),
            chunk(ChatDelta(content: "Calling.")),
            chunk(ChatDelta(toolCalls: [ToolCallDelta(index: 0, id: "call_a", type: "function", function: FunctionCallDelta(name: "get_weather", arguments: ""))])),
            chunk(ChatDelta(toolCalls: [ToolCallDelta(index: 0, function: FunctionCallDelta(arguments: #"{"city":"#))])),
            chunk(ChatDelta(toolCalls: [ToolCallDelta(index: 0, function: FunctionCallDelta(arguments: #""Paris"}"#))])),
            chunk(ChatDelta(toolCalls: [ToolCallDelta(index: 1, id: "call_b", type: "function", function: FunctionCallDelta(name: "get_weather", arguments: #"{"city":"Tokyo"}"#))])),
            chunk(ChatDelta(), finish: .toolCalls),
        ])
        #expect(events.map(\.name) == [
            "message_start",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_stop",
            "message_delta", "message_stop",
        ])
        #expect(events[1] == .contentBlockStart(index: 0, block: .thinking("", signature: "")))
        #expect(events[2] == .contentBlockDelta(index: 0, delta: .thinking("Think")))
        #expect(events[5] == .contentBlockStart(index: 1, block: .text("")))
        #expect(events[8] == .contentBlockStart(index: 2, block: .toolUse(id: "call_a", name: "get_weather", input: [:])))
        #expect(events[9] == .contentBlockDelta(index: 2, delta: .inputJSON(#"{"city":"#)))
        #expect(events[10] == .contentBlockDelta(index: 2, delta: .inputJSON(#""Paris"}"#)))
        #expect(events[12] == .contentBlockStart(index: 3, block: .toolUse(id: "call_b", name: "get_weather", input: [:])))
        #expect(events[13] == .contentBlockDelta(index: 3, delta: .inputJSON(#"{"city":"Tokyo"}"#)))
        guard case .messageDelta(let delta) = events[15] else { Issue.record("no message_delta"); return }
        #expect(delta.stopReason == .toolUse)
        #expect(delta.usage?.outputTokens == 0)
    }

    @Test func emptyStreamStillFormsAMessage() throws {
        let events = try run([], inputTokens: nil)
        #expect(events.map(\.name) == ["message_start", "message_delta", "message_stop"])
    }

    @Test func errorEventCarriesAnthropicType() throws {
        let event = AnthropicStreamEncoder.errorEvent(for: APIError(status: 503, message: "Overloaded", type: "overloaded_error"))
        #expect(event.event == "error")
        let decoded = try JSONDecoder().decode(AnthropicStreamEvent.self, from: Data(event.data.utf8))
        #expect(decoded == .error(AnthropicErrorBody.Detail(type: "overloaded_error", message: "Overloaded")))
        let framed = String(decoding: SSEEncoder.encode(event), as: UTF8.self)
        #expect(framed.hasPrefix("event: error\ndata: {"))
    }
}
