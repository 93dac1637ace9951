import Atomics

/// One generation submitted to a `BatchScheduler`: the prompt, how to decode, and where tokens go.
///
/// `onStart` (when the request gets a slot), `onToken` and `onFinish` run on the engine thread and must return quickly (hand the token to a
/// stream). `onToken` returning false stops the sequence (finish reason `cancelled`), as does setting
/// `cancelled`, which is checked before every step, also while the request waits for a slot.
public struct SequenceRequest: Sendable {
    public var prompt: [Int32]
    public var params: SamplingParams
    public var steering: (any TokenSteering)?
    public var cancelled: ManagedAtomic<Bool>
    public var onStart: @Sendable (_ cachedTokens: Int) -> Void
    public var onToken: @Sendable (GeneratedToken) -> Bool
    public var onFinish: @Sendable (Result<GenerationSummary, EngineError>) -> Void

    public init(
        prompt: [Int32], params: SamplingParams, steering: (any TokenSteering)? = nil,
        cancelled: ManagedAtomic<Bool> = ManagedAtomic<Bool>(false),
        onStart: @escaping @Sendable (_ cachedTokens: Int) -> Void = { _ in },
        onToken: @escaping @Sendable (GeneratedToken) -> Bool,
        onFinish: @escaping @Sendable (Result<GenerationSummary, EngineError>) -> Void
    ) {
        self.prompt = prompt
        self.params = params
        self.steering = steering
        self.cancelled = cancelled
        self.onStart = onStart
        self.onToken = onToken
        self.onFinish = onFinish
    }
}
