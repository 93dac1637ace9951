/// How the built-in engine serves one local model (the `local:` mapping of a model in `sluice.yaml`).
public struct LocalOptions: Sendable, Hashable {
    /// Sequences decoded together in one batch (continuous batching); more requests wait in the queue.
    public var parallel: Int
    /// Requests that may wait for a sequence slot; more get a 429 at once.
    public var maxWaiting: Int
    /// Seconds a request may wait for a slot before it gets a 503.
    public var queueTimeout: Double
    /// Per-sequence context cap in tokens (default: the model's, at most 8192).
    public var contextLength: Int?
    /// Memory for the KV cache in MiB, shared by running sequences and the prefix cache
    /// (default: enough for `parallel` full contexts).
    public var cacheMiB: Int?
    /// Tokens per prefill chunk (long prompts are cut so decoding streams keep moving).
    public var prefillChunk: Int
    /// A Jinja chat template used instead of the one in the GGUF file.
    public var chatTemplate: String?
    /// Reuse KV blocks of earlier requests that share a token prefix (the context cache).
    public var prefixCache: Bool

    public init(
        parallel: Int = 8, maxWaiting: Int = 64, queueTimeout: Double = 30, contextLength: Int? = nil, cacheMiB: Int? = nil,
        prefillChunk: Int = 256, chatTemplate: String? = nil, prefixCache: Bool = true
    ) {
        self.parallel = parallel
        self.maxWaiting = maxWaiting
        self.queueTimeout = queueTimeout
        self.contextLength = contextLength
        self.cacheMiB = cacheMiB
        self.prefillChunk = prefillChunk
        self.chatTemplate = chatTemplate
        self.prefixCache = prefixCache
    }
}
