import Foundation
import Testing

@testable import SluiceAPI

@Suite struct AnthropicBridgeResponseTests {
    private func response(_ message: ChatMessage, finish: FinishReason?, usage: Usage?) -> ChatResponse {
        ChatResponse(
            id: "chatcmpl-1", created: 0, model: "upstream-model",
            choices: [ChatChoice(index: 0, message: message, finishReason: finish)], usage: usage)
    }

    @Test func textReasoningAndToolCalls() throws {
        var message = ChatMessage(
            role: .assistant, content: .text("Let me check."),
            toolCalls: [ToolCall(id: "call_1", function: FunctionCall(name: "get_weather", arguments: #"{"city":"Paris"}"#))],
            reasoningContent: "Need the weather.")
        message.name = nil
        let usage = Usage(promptTokens: 100, completionTokens: 20, cachedTokens: 30, cacheWriteTokens: 10)
        let anthropic = AnthropicBridge.messagesResponse(
            from: response(message, finish: .toolCalls, usage: usage), requestedModel: "claude-sonnet")
        #expect(anthropic.id == "msg_chatcmpl-1")
        #expect(anthropic.model == "claude-sonnet")
        #expect(anthropic.type == "message")
        #expect(anthropic.role == "assistant")
        #expect(
            anthropic.content == [
                .thinking("Need the weather.", signature: ""), .text("Let me check."),
                .toolUse(id: "call_1", name: "get_weather", input: ["city": "Paris"]),
            ])
        #expect(anthropic.stopReason == .toolUse)
        #expect(anthropic.stopSequence == nil)
        #expect(
            anthropic.usage
                == AnthropicUsage(inputTokens: 60, outputTokens: 20, cacheCreationInputTokens: 10, cacheReadInputTokens: 30))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(anthropic)) as? [String: Any]
        #expect(json?["stop_sequence"] is NSNull)
    }

    @Test(arguments: [
        (FinishReason.stop, AnthropicStopReason.endTurn), (.length, .maxTokens), (.toolCalls, .toolUse),
        (.contentFilter, .refusal),
    ])
    func finishReasons(finish: FinishReason, stop: AnthropicStopReason) {
        let anthropic = AnthropicBridge.messagesResponse(
            from: response(.text(.assistant, "x"), finish: finish, usage: nil), requestedModel: "m")
        #expect(anthropic.stopReason == stop)
        #expect(anthropic.usage == AnthropicUsage(inputTokens: 0, outputTokens: 0))
    }

    @Test func knownStopSequenceIsReported() {
        var message = ChatMessage.text(.assistant, "one two")
        message.extra["stop_sequence"] = "three"
        let anthropic = AnthropicBridge.messagesResponse(
            from: response(message, finish: .stop, usage: nil), requestedModel: "m")
        #expect(anthropic.stopReason == .stopSequence)
        #expect(anthropic.stopSequence == "three")
    }

    @Test func errorBodiesFollowStatusOrKeepAnthropicTypes() throws {
        #expect(AnthropicBridge.errorBody(for: .invalidRequest("bad")).error.type == "invalid_request_error")
        #expect(AnthropicBridge.errorBody(for: .authentication("no key")).error.type == "authentication_error")
        #expect(AnthropicBridge.errorBody(for: .modelNotFound("x")).error.type == "not_found_error")
        #expect(AnthropicBridge.errorBody(for: .payloadTooLarge(limit: 10)).error.type == "request_too_large")
        #expect(AnthropicBridge.errorBody(for: .rateLimited("slow down")).error.type == "rate_limit_error")
        #expect(AnthropicBridge.errorBody(for: .internalError("oops")).error.type == "api_error")
        #expect(AnthropicBridge.errorBody(for: .unavailable("busy")).error.type == "overloaded_error")
        let upstream = APIError(status: 503, message: "Overloaded", type: "overloaded_error")
        let body = AnthropicBridge.errorBody(for: upstream)
        #expect(body.error == AnthropicErrorBody.Detail(type: "overloaded_error", message: "Overloaded"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(body)) as? [String: Any]
        #expect(json?["type"] as? String == "error")
    }
}
