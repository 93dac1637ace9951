import Foundation
import SluiceAPI

extension AnthropicProvider {
    /// The canonical response for an Anthropic message. Text blocks become the content, thinking blocks
    /// the `reasoning_content`, tool_use blocks the `tool_calls` (their `input` as JSON arguments), except
    /// the JSON-mode tool `jsonTool`, whose input becomes the content. A matched stop sequence is kept in
    /// the message as `stop_sequence`.
    static func chatResponse(_ message: AnthropicMessagesResponse, jsonTool: String?) -> ChatResponse {
        var text = ""
        var reasoning = ""
        var calls: [ToolCall] = []
        for block in message.content {
            switch block {
            case .text(let piece, _):
                text += piece
            case .thinking(let thinking, _):
                reasoning += thinking
            case .toolUse(let id, let name, let input):
                if name == jsonTool {
                    text += jsonText(input)
                } else {
                    calls.append(ToolCall(id: id, function: FunctionCall(name: name, arguments: jsonText(input))))
                }
            case .image, .toolResult, .redactedThinking, .other:
                continue
            }
        }
        var chat = ChatMessage(
            role: .assistant, content: text.isEmpty && !calls.isEmpty ? nil : .text(text),
            toolCalls: calls.isEmpty ? nil : calls, reasoningContent: reasoning.isEmpty ? nil : reasoning)
        if message.stopReason == .stopSequence, let sequence = message.stopSequence {
            chat.extra["stop_sequence"] = .string(sequence)
        }
        let finish = finishReason(message.stopReason, jsonMode: jsonTool != nil)
        return ChatResponse(
            id: message.id, created: Int(Date().timeIntervalSince1970), model: message.model,
            choices: [ChatChoice(index: 0, message: chat, finishReason: finish)],
            usage: message.usage?.canonical)
    }

    /// The canonical finish reason for a stop reason. In JSON mode the forced tool's `tool_use` is a
    /// normal `stop`. `pause_turn` and unknown reasons are kept as they came.
    static func finishReason(_ reason: AnthropicStopReason?, jsonMode: Bool) -> FinishReason {
        switch reason {
        case nil, .endTurn?, .stopSequence?: return .stop
        case .maxTokens?: return .length
        case .toolUse?: return jsonMode ? .stop : .toolCalls
        case .refusal?: return .contentFilter
        case let other?: return FinishReason(rawValue: other.rawValue)
        }
    }

    /// Reads Anthropic's error shape (`{"type":"error","error":{"type","message"}}`). A 529 becomes 503.
    static func failure(upstream: String, status: Int, body: [UInt8]) -> UpstreamFailure {
        let mapped = status == 529 ? 503 : status
        if let parsed = try? JSONDecoder().decode(AnthropicErrorBody.self, from: Data(body)) {
            return UpstreamFailure(
                upstream: upstream, status: mapped, message: parsed.error.message, type: parsed.error.type)
        }
        return UpstreamHTTP.openAIError(upstream: upstream, status: mapped, body: body)
    }

    /// The failure an `error` event reports, with the status its type stands for (529 as 503).
    static func failure(upstream: String, streamError detail: AnthropicErrorBody.Detail) -> UpstreamFailure {
        var status = AnthropicErrorBody.status(forErrorType: detail.type) ?? 502
        if status == 529 { status = 503 }
        return UpstreamFailure(upstream: upstream, status: status, message: detail.message, type: detail.type)
    }
}
