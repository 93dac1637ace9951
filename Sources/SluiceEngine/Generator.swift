import Foundation

/// The token-level generation loop: prefill the prompt, then sample, check end conditions and decode.
///
/// Runs synchronously on the calling thread (the engine thread); text and stop sequences are the
/// provider layer's job.
struct Generator {
    let engine: InferenceEngine

    /// Generates from `prompt`, calling `onToken` for each token (not for the end token); `onToken`
    /// returning false stops with `.cancelled`. `isCancelled` is polled between tokens.
    func run(
        prompt: [Int32], params: SamplingParams, isCancelled: () -> Bool = { false }, onToken: (GeneratedToken) -> Bool
    ) throws(EngineError) -> GenerationSummary {
        guard !prompt.isEmpty else { throw EngineError.invalidRequest("empty prompt") }
        guard params.maxTokens >= 0 else { throw EngineError.invalidRequest("maxTokens must be >= 0") }
        let sequence: Int = try engine.cache.allocateSequence()
        defer { engine.cache.releaseSequence(sequence) }
        var sampler: Sampler = Sampler(params: params, vocabSize: engine.config.vocabSize)
        sampler.observePrompt(prompt)
        let endTokens: Set<Int32> = params.ignoreEndTokens ? [] : engine.config.endTokens.union(params.extraEndTokens)

        let promptStart: Date = Date()
        var batch: [BatchToken] = prompt.enumerated().map { (index: Int, token: Int32) in
            BatchToken(sequence: sequence, position: index, token: token, wantsLogits: index == prompt.count - 1)
        }
        try engine.forward(batch)
        let promptSeconds: Double = Date().timeIntervalSince(promptStart)

        let start: Date = Date()
        var position: Int = prompt.count
        var produced: Int = 0
        var reason: FinishReason = .length
        while produced < params.maxTokens {
            if isCancelled() {
                reason = .cancelled
                break
            }
            let token: GeneratedToken = sampler.sample(engine.logits(row: 0))
            if endTokens.contains(token.id) {
                reason = .stop
                break
            }
            produced += 1
            if !onToken(token) {
                reason = .cancelled
                break
            }
            if produced == params.maxTokens { break }
            if position >= engine.contextLength {
                reason = .length
                break
            }
            batch = [BatchToken(sequence: sequence, position: position, token: token.id, wantsLogits: true)]
            try engine.forward(batch)
            position += 1
        }
        return GenerationSummary(
            finishReason: reason, promptTokens: prompt.count, completionTokens: produced, promptSeconds: promptSeconds,
            generationSeconds: Date().timeIntervalSince(start))
    }
}
