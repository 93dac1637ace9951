import SluiceAPI
import SluiceEngine

/// Everything one local generation needs, fixed before it starts.
struct LocalRun: Sendable {
    let model: LocalModel
    let tokenizer: Tokenizer
    let prompt: [Int32]
    let params: SamplingParams
    let stops: [String]
    let wantsLogprobs: Bool
    let id: String
    let created: Int
    let modelName: String
    /// Constrains or forces tokens (tool calls, JSON output, thinking budget), or nil.
    var steering: (any TokenSteering)? = nil
    /// How the output splits into reasoning, content and tool calls.
    var output: LocalOutputPlan = LocalOutputPlan()
}

/// How a local model's output is read: where its thought is, and whether it may call tools.
struct LocalOutputPlan: Sendable {
    /// The prompt opened the thought, so the output starts inside it.
    var startsInThought = false
    /// The reasoning-token budget the steering enforces (mirrored to count reasoning tokens), or nil.
    var thinkingBudget: Int?
    /// Usage reports `reasoning_tokens` even when no thought opened (the model can think).
    var reportsReasoning = false
    /// `<tool_call>` blocks are tool calls.
    var parsesToolCalls = false
    /// Tool calls kept at most.
    var maxToolCalls = Int.max

    /// A fresh parser for this output.
    func parser() -> LocalOutputParser {
        LocalOutputParser(startsInThought: startsInThought, parsesToolCalls: parsesToolCalls, maxToolCalls: maxToolCalls)
    }
}

/// Generated text as it becomes safe to send: pieces that never split a UTF-8 character and never
/// contain (or end inside) a stop sequence, then the finish reason and usage.
struct LocalGeneration: AsyncSequence {
    enum Piece: Sendable {
        case text(String, [SluiceAPI.TokenLogprob])
        case finished(SluiceAPI.FinishReason, Usage)
    }

    let run: LocalRun

    func makeAsyncIterator() -> Iterator {
        Iterator(
            run: run,
            events: run.model.stream(prompt: run.prompt, params: run.params, steering: run.steering).makeAsyncIterator())
    }

    struct Iterator: AsyncIteratorProtocol {
        let run: LocalRun
        var events: AsyncThrowingStream<GenerationEvent, any Error>.AsyncIterator
        var text: TokenizerTextStream
        var stops: StopSequenceMatcher
        var completionTokens = 0
        /// Prompt tokens the engine took from its prefix cache.
        var cachedTokens = 0
        var done = false
        var queued: [Piece] = []
        /// Follows the thought as the steering does, to count reasoning tokens.
        var thought: ThoughtTracker

        init(run: LocalRun, events: AsyncThrowingStream<GenerationEvent, any Error>.AsyncIterator) {
            self.run = run
            self.events = events
            self.text = TokenizerTextStream(tokenizer: run.tokenizer)
            self.stops = StopSequenceMatcher(run.stops)
            self.thought = ThoughtTracker(
                tokenizer: run.tokenizer, startsInThought: run.output.startsInThought, budget: run.output.thinkingBudget)
        }

        mutating func next() async throws -> Piece? {
            if !queued.isEmpty { return queued.removeFirst() }
            while !done {
                let event: GenerationEvent?
                do {
                    event = try await events.next()
                } catch let error as EngineError {
                    throw ProviderError.engine(error, model: run.modelName)
                }
                switch event {
                case .token(let token)?:
                    completionTokens += 1
                    thought.accept(token.id)
                    let output = stops.append(text.append(token.id))
                    let logprobs = run.wantsLogprobs ? [logprob(token)] : []
                    if output.stoppedBy != nil {
                        // A stop sequence ends the answer; dropping the engine's stream stops generation.
                        done = true
                        queued.append(.finished(.stop, usage(completionTokens)))
                        return .text(output.text, logprobs)
                    }
                    if output.text.isEmpty && logprobs.isEmpty { continue }
                    return .text(output.text, logprobs)
                case .started(let cached)?:
                    cachedTokens = cached
                case .finished(let summary)?:
                    done = true
                    let tail = stops.append(text.finish()).text + stops.finish()
                    let reason: SluiceAPI.FinishReason = summary.finishReason == .length ? .length : .stop
                    let finish = Piece.finished(reason, usage(summary.completionTokens))
                    if tail.isEmpty { return finish }
                    queued.append(finish)
                    return .text(tail, [])
                case nil:
                    done = true
                }
            }
            return queued.isEmpty ? nil : queued.removeFirst()
        }

        private func usage(_ completion: Int) -> Usage {
            Usage(
                promptTokens: run.prompt.count, completionTokens: completion, cachedTokens: cachedTokens,
                reasoningTokens: run.output.reportsReasoning || thought.opened ? thought.reasoningTokens : nil)
        }

        private func logprob(_ token: GeneratedToken) -> SluiceAPI.TokenLogprob {
            func entry(_ id: Int32) -> (String, [Int]) {
                let bytes = run.tokenizer.pieceBytes(id)
                return (String(decoding: bytes, as: UTF8.self), bytes.map(Int.init))
            }
            let (piece, bytes) = entry(token.id)
            return SluiceAPI.TokenLogprob(
                token: piece, logprob: Double(token.logprob), bytes: bytes,
                topLogprobs: token.top.map { alternative in
                    let (text, altBytes) = entry(alternative.id)
                    return TopLogprob(token: text, logprob: Double(alternative.logprob), bytes: altBytes)
                })
        }
    }
}
