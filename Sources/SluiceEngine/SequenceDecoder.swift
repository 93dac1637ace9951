/// The per-sequence decision after each forward pass: which token comes next, or why the sequence ends.
///
/// The batch scheduler keeps one per sequence, so every sequence decides the same way whatever else
/// shares its forward pass: a finished steering ends the sequence, then a token is forced or sampled
/// (and checked by the steering), an end token ends it, and `maxTokens` bounds it.
struct SequenceDecoder {
    /// What happens after a forward pass.
    enum Step: Equatable {
        /// `token` is the next token of the answer.
        case emit(GeneratedToken)
        /// The sequence ends.
        case finish(FinishReason)
    }

    private(set) var sampler: Sampler
    let steering: (any TokenSteering)?
    let endTokens: Set<Int32>
    let maxTokens: Int
    /// Tokens emitted so far.
    private(set) var produced: Int = 0

    init(params: SamplingParams, prompt: [Int32], vocabSize: Int, modelEndTokens: Set<Int32>, steering: (any TokenSteering)?) {
        var sampler: Sampler = Sampler(params: params, vocabSize: vocabSize)
        sampler.observePrompt(prompt)
        self.sampler = sampler
        self.steering = steering
        self.endTokens = params.ignoreEndTokens ? [] : modelEndTokens.union(params.extraEndTokens)
        self.maxTokens = params.maxTokens
    }

    /// Whether the sequence may not produce another token (checked before a forward pass is spent on it).
    var isExhausted: Bool { produced >= maxTokens }

    /// Decides the next step from the logits of the sequence's last position.
    mutating func step(_ logits: UnsafeBufferPointer<Float>) -> Step {
        if produced >= maxTokens { return .finish(.length) }
        if let steering, steering.isComplete { return .finish(.stop) }
        let token: GeneratedToken = sampler.sample(logits, steering: steering)
        if endTokens.contains(token.id) { return .finish(.stop) }
        steering?.accept(token.id)
        produced += 1
        return .emit(token)
    }
}
