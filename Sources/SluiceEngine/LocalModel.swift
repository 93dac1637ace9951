import Atomics

/// A GGUF model loaded into the built-in CPU engine and served to concurrent requests.
///
/// A `BatchScheduler` on a dedicated engine thread (plus the engine's compute threads) decodes up to
/// `settings.parallel` requests together, reusing cached prompt prefixes; async callers are resumed
/// through continuations and streams, so Swift concurrency's cooperative pool never blocks.
public final class LocalModel: @unchecked Sendable {
    /// The model file (metadata for the tokenizer, chat template, ...).
    public let file: GGUFFile
    /// Model hyper-parameters.
    public let config: ModelConfig
    /// Compute threads per forward pass.
    public let threads: Int
    /// Per-sequence context length in use.
    public let contextLength: Int
    /// The scheduler sharing the engine between requests.
    public let scheduler: BatchScheduler
    private let engine: InferenceEngine

    /// Loads the model at `path`.
    /// - Parameters:
    ///   - threads: compute threads (default: all available cores).
    ///   - contextLength: per-sequence context cap (default: the model's, at most 8192).
    ///   - settings: batching, queueing and prefix-cache settings.
    ///   - cacheBytes: KV cache memory cap (default: `settings.parallel` full contexts).
    public init(
        path: String, threads: Int? = nil, contextLength: Int? = nil, settings: SchedulerSettings = SchedulerSettings(),
        cacheBytes: Int? = nil
    ) throws(EngineError) {
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw EngineError.model(error)
        }
        let count: Int = max(1, threads ?? EngineThreadPool.availableCores)
        let model: ModelConfig = try InferenceEngine.modelConfig(of: file)
        let perToken: Int = PagedKVCache.bytesPerToken(layerCount: model.layerCount, kvDim: model.kvDim)
        let context: Int = InferenceEngine.effectiveContext(model, requested: contextLength)
        let cacheTokens: Int = cacheBytes.map { max(1, $0 / perToken) } ?? settings.parallel * context
        let engine: InferenceEngine = try InferenceEngine(
            file: file, threads: count, contextLength: contextLength,
            maxBatch: max(512, settings.prefillChunk + settings.parallel), maxSequences: settings.parallel + 1,
            cacheTokens: cacheTokens, maxLogitRows: max(16, settings.parallel))
        self.file = file
        self.engine = engine
        self.config = engine.config
        self.threads = count
        self.contextLength = engine.contextLength
        self.scheduler = BatchScheduler(engine: engine, settings: settings)
    }

    deinit {
        scheduler.shutdown()
    }

    /// Token ids that end generation by default.
    public var endTokens: Set<Int32> { config.endTokens }

    /// Runs `body` with exclusive use of the engine, on the engine thread, between two batch steps.
    public func withEngine<T: Sendable>(_ body: @escaping @Sendable (InferenceEngine) throws(EngineError) -> T) async throws(EngineError) -> T {
        let engine: InferenceEngine = self.engine
        let result: Result<T, EngineError> = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, EngineError>, Never>) in
            scheduler.perform {
                do throws(EngineError) {
                    continuation.resume(returning: .success(try body(engine)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Generates from token ids, calling `onToken` (on the engine thread) for each new token; return false to stop.
    public func generate(
        prompt: [Int32], params: SamplingParams, steering: (any TokenSteering)? = nil,
        onToken: @escaping @Sendable (GeneratedToken) -> Bool
    ) async throws(EngineError) -> GenerationSummary {
        let cancelled: ManagedAtomic<Bool> = ManagedAtomic<Bool>(false)
        let result: Result<GenerationSummary, EngineError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<GenerationSummary, EngineError>, Never>) in
                scheduler.submit(SequenceRequest(
                    prompt: prompt, params: params, steering: steering, cancelled: cancelled, onToken: onToken,
                    onFinish: { continuation.resume(returning: $0) }))
            }
        } onCancel: {
            cancelled.store(true, ordering: .relaxed)
        }
        return try result.get()
    }

    /// Streams tokens, then one `.finished` summary. Dropping the stream cancels generation and frees its slot.
    public func stream(
        prompt: [Int32], params: SamplingParams, steering: (any TokenSteering)? = nil
    ) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
        let cancelled: ManagedAtomic<Bool> = ManagedAtomic<Bool>(false)
        continuation.onTermination = { _ in cancelled.store(true, ordering: .relaxed) }
        scheduler.submit(SequenceRequest(
            prompt: prompt, params: params, steering: steering, cancelled: cancelled,
            onStart: { (cachedTokens: Int) in continuation.yield(.started(cachedTokens: cachedTokens)) },
            onToken: { (token: GeneratedToken) -> Bool in
                if case .terminated = continuation.yield(.token(token)) { return false }
                return true
            },
            onFinish: { (result: Result<GenerationSummary, EngineError>) in
                switch result {
                case .success(let summary):
                    continuation.yield(.finished(summary))
                    continuation.finish()
                case .failure(let error):
                    continuation.finish(throwing: error)
                }
            }))
        return stream
    }
}
