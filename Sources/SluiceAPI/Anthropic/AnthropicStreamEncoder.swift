/// Turns a stream of canonical chunks into Anthropic stream events, in the documented order.
///
/// `message_start` comes first. Reasoning deltas go into a `thinking` block, content deltas into a
/// `text` block, and each tool-call index gets its own `tool_use` block (`content_block_start` with the
/// id and name and an empty `input`, then `input_json_delta`s carrying the argument fragments). A block
/// is stopped before the next one starts. Should an upstream interleave the argument fragments of two
/// tool calls, a fragment for a block already stopped is still sent under that block's index, which is
/// how Anthropic's SDKs accumulate it.
///
/// The finish reason is remembered but `message_delta` is held back until the usage chunk (the final
/// chunk with empty `choices`) arrives or ``finish()`` is called, so that it carries the token counts;
/// `message_stop` follows it.
public struct AnthropicStreamEncoder: Sendable {
    private enum Block: Hashable {
        case thinking
        case text
        case tool(Int)
    }

    private let model: String
    private let messageID: String
    private let inputTokens: Int?
    private var started = false
    private var finished = false
    private var nextIndex = 0
    private var open: (block: Block, index: Int)?
    private var toolBlocks: [Int: Int] = [:]
    private var stopReason: AnthropicStopReason?
    private var usage: Usage?

    /// - Parameters:
    ///   - model: The model name the client asked for.
    ///   - messageID: The `msg_…` id of the message.
    ///   - inputTokens: The input token count for `message_start`, when known before the stream.
    public init(model: String, messageID: String, inputTokens: Int?) {
        self.model = model
        self.messageID = messageID
        self.inputTokens = inputTokens
    }

    /// The events a chunk produces (possibly none).
    public mutating func events(for chunk: ChatChunk) -> [SSEEvent] {
        guard !finished else { return [] }
        var out: [AnthropicStreamEvent] = []
        start(&out)
        for choice in chunk.choices where choice.index == 0 {
            let delta = choice.delta
            if let reasoning = delta.reasoningContent, !reasoning.isEmpty {
                out.append(.contentBlockDelta(index: enter(.thinking, &out), delta: .thinking(reasoning)))
            }
            for text in [delta.content, delta.refusal] {
                if let text, !text.isEmpty {
                    out.append(.contentBlockDelta(index: enter(.text, &out), delta: .text(text)))
                }
            }
            for call in delta.toolCalls ?? [] {
                let arguments = call.function?.arguments ?? ""
                let index: Int
                if let existing = toolBlocks[call.index] {
                    index = existing
                } else {
                    close(&out)
                    index = nextIndex
                    nextIndex += 1
                    toolBlocks[call.index] = index
                    open = (.tool(call.index), index)
                    let id = call.id ?? "toolu_sluice_\(call.index)"
                    out.append(
                        .contentBlockStart(
                            index: index,
                            block: .toolUse(id: id, name: call.function?.name ?? "", input: .object([:]))))
                }
                if !arguments.isEmpty {
                    out.append(.contentBlockDelta(index: index, delta: .inputJSON(arguments)))
                }
            }
            if let finishReason = choice.finishReason {
                close(&out)
                stopReason = AnthropicBridge.stopReason(for: finishReason)
            }
        }
        if let usage = chunk.usage {
            self.usage = usage
            if stopReason != nil { end(&out) }
        }
        return out.map(\.sseEvent)
    }

    /// Ends the message: stops an open block and sends `message_delta` and `message_stop`, unless they
    /// were sent already. Call it when the canonical stream ends.
    public mutating func finish() -> [SSEEvent] {
        guard !finished else { return [] }
        var out: [AnthropicStreamEvent] = []
        start(&out)
        end(&out)
        return out.map(\.sseEvent)
    }

    /// An `error` event for a failure after the stream began.
    public static func errorEvent(for error: APIError) -> SSEEvent {
        AnthropicStreamEvent.error(AnthropicBridge.errorBody(for: error).error).sseEvent
    }

    private mutating func start(_ out: inout [AnthropicStreamEvent]) {
        guard !started else { return }
        started = true
        let message = AnthropicMessagesResponse(
            id: messageID, content: [], model: model, stopReason: nil,
            usage: AnthropicUsage(inputTokens: inputTokens ?? 0, outputTokens: 0))
        out.append(.messageStart(message))
    }

    /// The index of the open block of this kind, opening it (and stopping another) if needed.
    private mutating func enter(_ block: Block, _ out: inout [AnthropicStreamEvent]) -> Int {
        if let open, open.block == block { return open.index }
        close(&out)
        let index = nextIndex
        nextIndex += 1
        open = (block, index)
        out.append(.contentBlockStart(index: index, block: block == .thinking ? .thinking("", signature: "") : .text("")))
        return index
    }

    private mutating func close(_ out: inout [AnthropicStreamEvent]) {
        guard let open else { return }
        out.append(.contentBlockStop(index: open.index))
        self.open = nil
    }

    private mutating func end(_ out: inout [AnthropicStreamEvent]) {
        close(&out)
        var final = AnthropicUsage(inputTokens: nil, outputTokens: 0)
        if let usage {
            final = AnthropicUsage(canonical: usage)
        }
        out.append(.messageDelta(AnthropicMessageDelta(stopReason: stopReason ?? .endTurn, usage: final)))
        out.append(.messageStop)
        finished = true
    }
}
