/// A loaded model plus everything needed to run forward passes: weights bound to the mapped file,
/// the paged KV cache, scratch buffers and the compute threads.
///
/// Not thread-safe: use it from one thread at a time (`LocalModel` runs it on its own engine thread).
public final class InferenceEngine: @unchecked Sendable {
    /// Model hyper-parameters.
    public let config: ModelConfig
    /// The KV cache (sequence slots are allocated by callers).
    public let cache: PagedKVCache
    /// The model file (kept alive: weights point into its mapping).
    public let file: GGUFFile
    let weights: ModelWeights
    let pool: EngineThreadPool
    let state: RunState
    /// Tokens processed per forward chunk (prefill batch size).
    public let maxBatch: Int
    /// Context length in use (metadata value, optionally capped).
    public let contextLength: Int

    /// Binds `file`'s tensors and allocates the cache and scratch space.
    /// - Parameters:
    ///   - threads: compute threads (including the calling thread).
    ///   - contextLength: cap on the per-sequence context (defaults to the model's, at most 8192).
    ///   - maxSequences: sequence slots in the KV cache.
    ///   - cacheTokens: total KV cache capacity in tokens (default `contextLength`).
    public init(
        file: GGUFFile, threads: Int, contextLength: Int? = nil, maxBatch: Int = 512, maxSequences: Int = 8,
        cacheTokens: Int? = nil, maxLogitRows: Int = 16
    ) throws(EngineError) {
        let config: ModelConfig = try Self.modelConfig(of: file)
        self.config = config
        do throws(GGUFError) {
            self.weights = try ModelWeights(file: file, config: config)
        } catch {
            throw EngineError.model(error)
        }
        self.file = file
        let context: Int = Self.effectiveContext(config, requested: contextLength)
        self.contextLength = context
        self.maxBatch = max(1, maxBatch)
        self.pool = EngineThreadPool(threads: threads)
        self.cache = PagedKVCache(
            layerCount: config.layerCount, kvDim: config.kvDim, contextLength: context,
            capacityTokens: cacheTokens ?? context, maxSequences: maxSequences)
        self.state = RunState(
            config: config, maxBatch: self.maxBatch, maxLogitRows: maxLogitRows, threads: pool.threadCount,
            contextLength: context)
    }

    /// The hyper-parameters of the model in `file`.
    public static func modelConfig(of file: GGUFFile) throws(EngineError) -> ModelConfig {
        do throws(GGUFError) {
            guard let name: String = file.architecture else { throw GGUFError.missingMetadata("general.architecture") }
            let traits: ArchitectureTraits = try SupportedArchitectures.traits(for: name)
            return try ModelConfig(file: file, traits: traits, vocabFallback: 0)
        } catch {
            throw EngineError.model(error)
        }
    }

    /// The per-sequence context used for `config` when `requested` is asked for (default: the model's, at most 8192).
    public static func effectiveContext(_ config: ModelConfig, requested: Int?) -> Int {
        max(1, min(requested ?? min(config.contextLength, 8192), config.contextLength))
    }

    /// Compute threads in use.
    public var threadCount: Int { pool.threadCount }

    /// Logits of the `row`-th batch entry that asked for logits in the last `forward` (valid until the next call).
    public func logits(row: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: state.logits + row * config.vocabSize, count: config.vocabSize)
    }

    /// Runs the model over `batch`, appending its keys/values to the cache, and returns how many logit rows
    /// were produced (one per entry with `wantsLogits`, in batch order; read them with `logits(row:)`).
    @discardableResult
    public func forward(_ batch: [BatchToken]) throws(EngineError) -> Int {
        let wanted: Int = batch.reduce(0) { $0 + ($1.wantsLogits ? 1 : 0) }
        guard wanted <= state.maxLogitRows else {
            throw EngineError.invalidRequest("\(wanted) logit rows requested, at most \(state.maxLogitRows)")
        }
        for entry: BatchToken in batch {
            guard entry.token >= 0, Int(entry.token) < config.vocabSize else { throw EngineError.invalidToken(entry.token) }
            guard entry.position >= 0, entry.position < contextLength else {
                throw EngineError.contextOverflow(position: entry.position, contextLength: contextLength)
            }
            guard entry.position <= cache.length(of: entry.sequence) || entry.position == 0 else {
                throw EngineError.invalidRequest("position \(entry.position) skips ahead of sequence \(entry.sequence)")
            }
            try cache.reserve(entry.sequence, length: entry.position + 1)
        }
        var produced: Int = 0
        var start: Int = 0
        while start < batch.count {
            let end: Int = min(batch.count, start + maxBatch)
            produced += forwardChunk(batch[start..<end], firstLogitRow: produced)
            start = end
        }
        return produced
    }
}
