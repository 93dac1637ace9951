import SluiceAPI

/// Turns a local generation into canonical chunks: the role first, then reasoning deltas
/// (`reasoning_content`), content deltas (with logprobs when asked for) and tool-call deltas (the first
/// of a call with its index, id, type and name and empty arguments, then argument fragments), the
/// finish reason (`tool_calls` when the answer made calls), and the usage chunk.
final class LocalChunkSource: ChunkSource {
    private let run: LocalRun
    private var generation: LocalGeneration.Iterator
    private var parser: LocalOutputParser
    private var sentRole = false
    private var queued: [ChatChunk] = []
    private var finished = false
    /// Logprobs of tokens whose text is still held back by the parser.
    private var pendingLogprobs: [SluiceAPI.TokenLogprob] = []

    init(run: LocalRun) {
        self.run = run
        self.generation = LocalGeneration(run: run).makeAsyncIterator()
        self.parser = run.output.parser()
    }

    func next() async throws -> ChatChunk? {
        while true {
            if !queued.isEmpty { return queued.removeFirst() }
            if finished { return nil }
            if !sentRole {
                sentRole = true
                return chunk(ChunkChoice(delta: ChatDelta(role: .assistant, content: "")))
            }
            guard let piece = try await generation.next() else {
                finished = true
                return nil
            }
            switch piece {
            case .text(let text, let logprobs):
                pendingLogprobs += logprobs
                enqueue(parser.feed(text))
            case .finished(let reason, let usage):
                finished = true
                enqueue(parser.finish())
                let finish = LocalAnswer.finishReason(reason, madeCalls: parser.toolCallCount > 0)
                queued.append(chunk(ChunkChoice(delta: ChatDelta(), finishReason: finish)))
                queued.append(ChatChunk(id: run.id, created: run.created, model: run.modelName, choices: [], usage: usage))
            }
        }
    }

    private func enqueue(_ events: [LocalOutputEvent]) {
        for event in events {
            let delta: ChatDelta
            switch event {
            case .content(let text):
                delta = ChatDelta(content: text)
            case .reasoning(let text):
                delta = ChatDelta(reasoningContent: text)
            case .toolCallStart(let index, let name):
                delta = ChatDelta(toolCalls: [
                    ToolCallDelta(
                        index: index, id: LocalAnswer.callID(), type: "function",
                        function: FunctionCallDelta(name: name, arguments: ""))
                ])
            case .toolCallArguments(let index, let fragment):
                delta = ChatDelta(toolCalls: [ToolCallDelta(index: index, function: FunctionCallDelta(arguments: fragment))])
            }
            var logprobs: ChoiceLogprobs?
            if run.wantsLogprobs {
                logprobs = ChoiceLogprobs(content: pendingLogprobs)
                pendingLogprobs = []
            }
            queued.append(chunk(ChunkChoice(delta: delta, logprobs: logprobs)))
        }
    }

    private func chunk(_ choice: ChunkChoice) -> ChatChunk {
        ChatChunk(id: run.id, created: run.created, model: run.modelName, choices: [choice])
    }
}
