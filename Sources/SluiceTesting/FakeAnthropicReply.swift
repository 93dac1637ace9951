import Foundation
import SluiceAPI

/// What ``FakeAnthropic`` answers to one request, as a whole message and as stream events.
struct FakeAnthropicReply: Sendable {
    /// One block of the answer, before it is framed whole or as deltas.
    enum Piece: Sendable {
        case thinking(String)
        case text(String)
        case toolUse(id: String, name: String, arguments: String)
    }

    let turn: FakeTurn
    let pieces: [Piece]
    let stopReason: AnthropicStopReason

    init(request: AnthropicMessagesRequest) {
        let lastUser = request.messages.last { $0.role == "user" }?.content.text ?? ""
        var characters = request.system?.texts.reduce(0) { $0 + $1.count } ?? 0
        for message in request.messages {
            for block in message.content.blocks {
                switch block {
                case .text(let text, _): characters += text.count
                case .toolResult(let result):
                    if case .text(let text)? = result.content { characters += text.count }
                default: continue
                }
            }
        }
        let tools = (request.tools ?? []).filter(\.isClientTool).map(\.name)
        turn = FakeTurn(model: request.model, lastUserText: lastUser, promptCharacters: characters, toolNames: tools)
        var thinkingOn = false
        if case .enabled? = request.thinking { thinkingOn = true }
        switch turn.scenario {
        case .toolCall, .parallelToolCalls:
            pieces = turn.toolCalls.enumerated().map {
                .toolUse(id: "toolu_fake_\($0.offset)", name: $0.element.name, arguments: $0.element.arguments)
            }
            stopReason = .toolUse
        case .reasoning:
            pieces = (thinkingOn ? [.thinking(FakeScenario.reasoningText)] : []) + [.text(FakeScenario.reasoningAnswer)]
            stopReason = .endTurn
        case .json:
            if request.toolChoice?.type == "tool", let name = request.toolChoice?.name {
                pieces = [.toolUse(id: "toolu_fake_json", name: name, arguments: FakeScenario.jsonAnswer)]
                stopReason = .toolUse
            } else {
                pieces = [.text(FakeScenario.jsonAnswer)]
                stopReason = .endTurn
            }
        case .truncated:
            pieces = [.text(FakeScenario.truncatedText)]
            stopReason = .maxTokens
        case .slowStream:
            pieces = [.text((0..<200).map { "tick \($0) " }.joined())]
            stopReason = .endTurn
        default:
            pieces = [.text(turn.answer)]
            stopReason = .endTurn
        }
    }

    /// Start usage: the prompt split into cache reads and the rest.
    var inputUsage: AnthropicUsage {
        AnthropicUsage(
            inputTokens: turn.promptTokens - turn.cachedTokens, outputTokens: 1, cacheCreationInputTokens: 0,
            cacheReadInputTokens: turn.cachedTokens)
    }

    var finalUsage: AnthropicUsage {
        var usage = inputUsage
        usage.outputTokens = FakeScenario.completionTokens
        return usage
    }

    /// The complete message.
    var message: AnthropicMessagesResponse {
        let content: [AnthropicContentBlock] = pieces.map { piece in
            switch piece {
            case .thinking(let text): .thinking(text, signature: FakeAnthropic.signature)
            case .text(let text): .text(text)
            case .toolUse(let id, let name, let arguments):
                .toolUse(
                    id: id, name: name,
                    input: (try? JSONDecoder().decode(JSONValue.self, from: Data(arguments.utf8))) ?? .object([:]))
            }
        }
        return AnthropicMessagesResponse(
            id: "msg_fake", content: content, model: turn.model, stopReason: stopReason, usage: finalUsage)
    }

    /// The stream: message_start, ping, each block (start, deltas, stop), message_delta, message_stop.
    var streamEvents: [AnthropicStreamEvent] {
        var start = message
        start.content = []
        start.stopReason = nil
        start.usage = inputUsage
        var events: [AnthropicStreamEvent] = [.messageStart(start), .ping]
        for (index, piece) in pieces.enumerated() {
            switch piece {
            case .thinking(let text):
                events.append(.contentBlockStart(index: index, block: .thinking("", signature: "")))
                for fragment in FakeScenario.fragments(text) {
                    events.append(.contentBlockDelta(index: index, delta: .thinking(fragment)))
                }
                events.append(.contentBlockDelta(index: index, delta: .signature(FakeAnthropic.signature)))
            case .text(let text):
                events.append(.contentBlockStart(index: index, block: .text("")))
                let fragments =
                    turn.scenario == .slowStream
                    ? (0..<200).map { "tick \($0) " } : FakeScenario.fragments(text, parts: max(2, min(3, text.count)))
                for fragment in fragments {
                    events.append(.contentBlockDelta(index: index, delta: .text(fragment)))
                }
            case .toolUse(let id, let name, let arguments):
                events.append(.contentBlockStart(index: index, block: .toolUse(id: id, name: name, input: .object([:]))))
                events.append(.contentBlockDelta(index: index, delta: .inputJSON("")))
                for fragment in FakeScenario.fragments(arguments, parts: 4) {
                    events.append(.contentBlockDelta(index: index, delta: .inputJSON(fragment)))
                }
            }
            events.append(.contentBlockStop(index: index))
        }
        events.append(
            .messageDelta(
                AnthropicMessageDelta(
                    stopReason: stopReason, usage: AnthropicUsage(inputTokens: nil, outputTokens: FakeScenario.completionTokens))))
        events.append(.messageStop)
        return events
    }
}
