import SluiceAPI

/// A whole answer put together from ``LocalOutputParser`` events, for non-streamed responses.
struct LocalAnswer {
    private(set) var content = ""
    private(set) var reasoning = ""
    private(set) var calls: [ToolCall] = []

    /// Adds what the parser found.
    mutating func add(_ events: [LocalOutputEvent]) {
        for event in events {
            switch event {
            case .content(let text): content += text
            case .reasoning(let text): reasoning += text
            case .toolCallStart(_, let name):
                calls.append(ToolCall(id: Self.callID(), function: FunctionCall(name: name, arguments: "")))
            case .toolCallArguments(let index, let fragment):
                if calls.indices.contains(index) { calls[index].function.arguments += fragment }
            }
        }
    }

    /// The assistant message: `content` null when the answer is only tool calls, `reasoning_content`
    /// when there was a thought.
    var message: ChatMessage {
        ChatMessage(
            role: .assistant, content: calls.isEmpty || !content.isEmpty ? .text(content) : nil,
            toolCalls: calls.isEmpty ? nil : calls, reasoningContent: reasoning.isEmpty ? nil : reasoning)
    }

    /// The finish reason: `tool_calls` when a finished answer made calls.
    static func finishReason(_ reason: FinishReason, madeCalls: Bool) -> FinishReason {
        madeCalls && reason == .stop ? .toolCalls : reason
    }

    /// A fresh tool-call id: `call_` and 24 random letters and digits.
    static func callID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return "call_" + String((0..<24).map { _ in alphabet.randomElement()! })
    }
}
