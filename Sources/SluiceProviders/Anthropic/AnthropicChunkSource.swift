import Foundation
import SluiceAPI

/// Turns Anthropic's stream events into canonical chunks as they arrive.
///
/// `message_start` gives the role chunk (and the input counts); text deltas become content, thinking
/// deltas `reasoning_content`, and each tool_use block a tool call whose index is its order among the
/// tool_use blocks: first the id, type and name, then the `partial_json` fragments as arguments. The
/// JSON-mode tool's fragments become content instead. `message_delta` gives the finish-reason chunk and,
/// right after it, the usage chunk (empty `choices`), its counts merged from `message_start` and
/// `message_delta`. An `error` event throws ``ProviderError/upstream(_:)``; a stream that ends before
/// `message_stop` throws ``ProviderError/invalidResponse(upstream:message:)``.
final class AnthropicChunkSource: ChunkSource {
    private enum Block {
        case text
        case thinking
        case tool(Int)
        case json
        case ignored
    }

    private let events: SSEEventSource
    private let upstream: String
    private let jsonTool: String?
    private let decoder = JSONDecoder()
    private var id = ""
    private var model = ""
    private let created = Int(Date().timeIntervalSince1970)
    private var usage = AnthropicUsage(inputTokens: nil, outputTokens: nil)
    private var blocks: [Int: Block] = [:]
    private var toolCount = 0
    private var pending: [ChatChunk] = []
    private var done = false
    private var stopped = false

    init(events: SSEEventSource, upstream: String, jsonTool: String?) {
        self.events = events
        self.upstream = upstream
        self.jsonTool = jsonTool
    }

    func next() async throws -> ChatChunk? {
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            if done { return nil }
            guard let event = try await events.next() else {
                done = true
                if stopped { return nil }
                throw ProviderError.invalidResponse(upstream: upstream, message: "the stream ended before message_stop")
            }
            if event.data.isEmpty { continue }
            let parsed: AnthropicStreamEvent
            do {
                parsed = try decoder.decode(AnthropicStreamEvent.self, from: Data(event.data.utf8))
            } catch {
                throw ProviderError.invalidResponse(
                    upstream: upstream, message: "undecodable stream event '\(event.event ?? "")': \(error)")
            }
            if let chunk = try translate(parsed) { return chunk }
        }
    }

    private func translate(_ event: AnthropicStreamEvent) throws -> ChatChunk? {
        switch event {
        case .messageStart(let message):
            id = message.id
            model = message.model
            if let start = message.usage { usage = usage.merging(start) }
            return chunk(ChatDelta(role: .assistant, content: ""))
        case .contentBlockStart(let index, let block):
            return start(block, at: index)
        case .contentBlockDelta(let index, let delta):
            return self.delta(delta, in: blocks[index] ?? .ignored)
        case .messageDelta(let delta):
            if let cumulative = delta.usage { usage = usage.merging(cumulative) }
            let finish = AnthropicProvider.finishReason(delta.stopReason, jsonMode: jsonTool != nil)
            pending.append(ChatChunk(id: id, created: created, model: model, choices: [], usage: usage.canonical))
            return ChatChunk(
                id: id, created: created, model: model, choices: [ChunkChoice(delta: ChatDelta(), finishReason: finish)])
        case .messageStop:
            stopped = true
            done = true
            return nil
        case .error(let detail):
            throw ProviderError.upstream(AnthropicProvider.failure(upstream: upstream, streamError: detail))
        case .contentBlockStop, .ping, .unknown:
            return nil
        }
    }

    private func start(_ block: AnthropicContentBlock, at index: Int) -> ChatChunk? {
        switch block {
        case .text(let text, _):
            blocks[index] = .text
            return text.isEmpty ? nil : chunk(ChatDelta(content: text))
        case .thinking(let thinking, _):
            blocks[index] = .thinking
            return thinking.isEmpty ? nil : chunk(ChatDelta(reasoningContent: thinking))
        case .toolUse(_, let name, _) where name == jsonTool:
            blocks[index] = .json
            return nil
        case .toolUse(let id, let name, _):
            let toolIndex = toolCount
            toolCount += 1
            blocks[index] = .tool(toolIndex)
            let call = ToolCallDelta(
                index: toolIndex, id: id, type: "function", function: FunctionCallDelta(name: name, arguments: ""))
            return chunk(ChatDelta(toolCalls: [call]))
        default:
            blocks[index] = .ignored
            return nil
        }
    }

    private func delta(_ delta: AnthropicBlockDelta, in block: Block) -> ChatChunk? {
        switch (block, delta) {
        case (.text, .text(let text)), (.json, .inputJSON(let text)):
            return text.isEmpty ? nil : chunk(ChatDelta(content: text))
        case (.thinking, .thinking(let thinking)):
            return thinking.isEmpty ? nil : chunk(ChatDelta(reasoningContent: thinking))
        case (.tool(let toolIndex), .inputJSON(let fragment)):
            guard !fragment.isEmpty else { return nil }
            return chunk(ChatDelta(toolCalls: [ToolCallDelta(index: toolIndex, function: FunctionCallDelta(arguments: fragment))]))
        default:
            return nil
        }
    }

    private func chunk(_ delta: ChatDelta) -> ChatChunk {
        ChatChunk(id: id, created: created, model: model, choices: [ChunkChoice(delta: delta)])
    }
}
