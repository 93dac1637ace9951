/// How a `BatchScheduler` shares one model between concurrent requests.
public struct SchedulerSettings: Sendable, Equatable {
    /// Sequences decoded together (continuous batching); further requests wait.
    public var parallel: Int
    /// Requests that may wait for a slot; one more is refused at once with `EngineError.queueFull`.
    public var maxWaiting: Int
    /// Seconds a request may wait for a slot before it fails with `EngineError.queueTimeout`.
    public var queueTimeout: Double
    /// Prompt tokens computed per step across all prefilling sequences, so a long prompt is cut into
    /// chunks and decoding sequences get a token every step meanwhile.
    public var prefillChunk: Int
    /// Reuse cached KV blocks of earlier requests with the same token prefix.
    public var prefixCache: Bool

    public init(parallel: Int = 8, maxWaiting: Int = 64, queueTimeout: Double = 30, prefillChunk: Int = 256, prefixCache: Bool = true) {
        self.parallel = max(1, parallel)
        self.maxWaiting = max(0, maxWaiting)
        self.queueTimeout = queueTimeout
        self.prefillChunk = max(1, prefillChunk)
        self.prefixCache = prefixCache
    }
}
