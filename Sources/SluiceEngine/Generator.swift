import Foundation

/// The token-level generation loop: prefill the prompt, then sample, check end conditions and decode.
///
/// Runs synchronously on the calling thread (the engine thread); text and stop sequences are the
/// provider layer's job.
struct Generator {
    let engine: InferenceEngine

    /// Generates from `prompt`, calling `onToken` for each token (not for the end token); `onToken`
    /// returning false stops with `.cancelled`. `isCancelled` is polled between tokens. `steering`
    /// constrains or forces tokens (see ``TokenSteering``).
    func run(
        prompt: [Int32], params: SamplingParams, steering: (any TokenSteering)? = nil, isCancelled: () -> Bool = { false },
        onToken: (GeneratedToken) -> Bool
    ) throws(EngineError) -> GenerationSummary {
        guard !prompt.isEmpty else { throw EngineError.invalidRequest("empty prompt") }
        guard params.maxTokens >= 0 else { throw EngineError.invalidRequest("maxTokens must be >= 0") }
        let sequence: Int = try engine.cache.allocateSequence()
        defer { engine.cache.releaseSequence(sequence) }
        var decoder: SequenceDecoder = SequenceDecoder(
            params: params, prompt: prompt, vocabSize: engine.config.vocabSize, modelEndTokens: engine.config.endTokens,
            steering: steering)

        let promptStart: Date = Date()
        var batch: [BatchToken] = prompt.enumerated().map { (index: Int, token: Int32) in
            BatchToken(sequence: sequence, position: index, token: token, wantsLogits: index == prompt.count - 1)
        }
        try engine.forward(batch)
        let promptSeconds: Double = Date().timeIntervalSince(promptStart)

        let start: Date = Date()
        var position: Int = prompt.count
        var reason: FinishReason = .length
        while true {
            if isCancelled() {
                reason = .cancelled
                break
            }
            let step: SequenceDecoder.Step = decoder.step(engine.logits(row: 0))
            guard case .emit(let token) = step else {
                if case .finish(let why) = step { reason = why }
                break
            }
            if !onToken(token) {
                reason = .cancelled
                break
            }
            if decoder.isExhausted { break }
            if position >= engine.contextLength {
                reason = .length
                break
            }
            batch = [BatchToken(sequence: sequence, position: position, token: token.id, wantsLogits: true)]
            try engine.forward(batch)
            position += 1
        }
        return GenerationSummary(
            finishReason: reason, promptTokens: prompt.count, completionTokens: decoder.produced, promptSeconds: promptSeconds,
            generationSeconds: Date().timeIntervalSince(start))
    }
}
