extension AnthropicBridge {
    /// The Anthropic message for a canonical response (its first choice). `requestedModel` is the model
    /// name the client asked for, which the response repeats.
    public static func messagesResponse(from response: ChatResponse, requestedModel: String) -> AnthropicMessagesResponse {
        let choice = response.choices.first
        var content: [AnthropicContentBlock] = []
        var stopSequence: String?
        if let message = choice?.message {
            if let reasoning = message.reasoningContent, !reasoning.isEmpty {
                content.append(.thinking(reasoning, signature: ""))
            }
            if let text = message.content?.text, !text.isEmpty {
                content.append(.text(text))
            }
            if let refusal = message.refusal, !refusal.isEmpty {
                content.append(.text(refusal))
            }
            for call in message.toolCalls ?? [] {
                let input = jsonObject(call.function.arguments) ?? .object([:])
                content.append(.toolUse(id: call.id, name: call.function.name, input: input))
            }
            stopSequence = message.extra["stop_sequence"]?.stringValue
        }
        var stopReason = stopReason(for: choice?.finishReason, stopSequence: stopSequence)
        if choice?.message.refusal?.isEmpty == false { stopReason = .refusal }
        let usage = response.usage.map(AnthropicUsage.init(canonical:)) ?? AnthropicUsage(inputTokens: 0, outputTokens: 0)
        return AnthropicMessagesResponse(
            id: messageID(response.id), content: content, model: requestedModel, stopReason: stopReason,
            stopSequence: stopReason == .stopSequence ? stopSequence : nil, usage: usage)
    }

    /// An Anthropic-style message id (`msg_…`) for a canonical response id.
    public static func messageID(_ id: String) -> String {
        id.hasPrefix("msg_") ? id : "msg_" + (id.isEmpty ? "sluice" : id)
    }
}
