import SluiceAPI

/// Turns a local generation into canonical chunks: the role first, then content (with logprobs when
/// asked for), the finish reason, and the usage chunk.
final class LocalChunkSource: ChunkSource {
    private let run: LocalRun
    private var generation: LocalGeneration.Iterator
    private var sentRole = false
    private var queued: [ChatChunk] = []
    private var finished = false

    init(run: LocalRun) {
        self.run = run
        self.generation = LocalGeneration(run: run).makeAsyncIterator()
    }

    func next() async throws -> ChatChunk? {
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
            return chunk(ChunkChoice(
                delta: ChatDelta(content: text), logprobs: run.wantsLogprobs ? ChoiceLogprobs(content: logprobs) : nil))
        case .finished(let reason, let usage):
            finished = true
            queued.append(ChatChunk(id: run.id, created: run.created, model: run.modelName, choices: [], usage: usage))
            return chunk(ChunkChoice(delta: ChatDelta(), finishReason: reason))
        }
    }

    private func chunk(_ choice: ChunkChoice) -> ChatChunk {
        ChatChunk(id: run.id, created: run.created, model: run.modelName, choices: [choice])
    }
}
