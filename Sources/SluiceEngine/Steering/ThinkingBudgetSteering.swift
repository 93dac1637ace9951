/// Lets a reasoning model think for at most a budget of tokens, then closes the thought for it and hands
/// decoding over to an optional inner steering for the answer (a JSON schema, a tool call).
///
/// While the thought is open the model samples freely (end tokens are refused when an inner steering
/// waits for the answer, so the answer cannot be skipped). After `budget` reasoning tokens (see
/// ``ThoughtTracker`` for what counts) the closing text — the rest of `</think>` if the model had begun
/// writing it, else `"\n</think>"`, then `"\n\n"` — is forced token by token, tokenized with the model's
/// own tokenizer (so Qwen3's single `</think>` token is used where the vocabulary has one). A natural
/// `</think>` is found in the tokens' bytes, however it is split.
///
/// With an inner steering, the thought must already be open in the prompt (`startsInThought`); otherwise
/// the inner steering applies from the first token and no thought is tracked.
public final class ThinkingBudgetSteering: TokenSteering, @unchecked Sendable {
    private var tracker: ThoughtTracker
    private let inner: (any TokenSteering)?
    private let endTokens: Set<Int32>

    /// - Parameters:
    ///   - tokenizer: the model's tokenizer.
    ///   - endTokens: the model's end tokens (refused inside the thought when `inner` is set).
    ///   - budget: reasoning tokens allowed, or nil to only follow the thought (for `inner`).
    ///   - startsInThought: the prompt ends inside an open thought.
    ///   - inner: the steering for the answer after the thought.
    public init(
        tokenizer: Tokenizer, endTokens: Set<Int32>, budget: Int?, startsInThought: Bool, inner: (any TokenSteering)? = nil
    ) {
        var tracker: ThoughtTracker = ThoughtTracker(
            tokenizer: tokenizer, startsInThought: startsInThought, budget: budget, forcesSeparator: inner != nil)
        if inner != nil && !startsInThought { tracker.skipThought() }
        self.tracker = tracker
        self.inner = inner
        self.endTokens = endTokens
    }

    /// The tracker's view: phase and reasoning tokens so far.
    public var thought: ThoughtTracker { tracker }

    public var isComplete: Bool {
        tracker.phase == .answer ? (inner?.isComplete ?? false) : false
    }

    public func forcedToken() -> Int32? {
        switch tracker.phase {
        case .closing: return tracker.forcedToken
        case .answer: return inner?.forcedToken()
        case .awaitingOpen, .thinking: return nil
        }
    }

    public func allows(_ token: Int32) -> Bool {
        switch tracker.phase {
        case .closing: return token == tracker.forcedToken
        case .answer: return inner?.allows(token) ?? true
        case .awaitingOpen, .thinking: return inner == nil || !endTokens.contains(token)
        }
    }

    public func mask(_ logits: UnsafeMutableBufferPointer<Float>) {
        switch tracker.phase {
        case .closing:
            guard let forced: Int32 = tracker.forcedToken, Int(forced) < logits.count else { return }
            let kept: Float = logits[Int(forced)]
            for index: Int in logits.indices { logits[index] = -.infinity }
            logits[Int(forced)] = kept
        case .answer:
            inner?.mask(logits)
        case .awaitingOpen, .thinking:
            guard inner != nil else { return }
            for token: Int32 in endTokens where Int(token) < logits.count { logits[Int(token)] = -.infinity }
        }
    }

    public func accept(_ token: Int32) {
        if tracker.phase == .answer {
            inner?.accept(token)
        } else {
            tracker.accept(token)
        }
    }
}
