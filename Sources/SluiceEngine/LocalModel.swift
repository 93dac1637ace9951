import Atomics

/// A GGUF model loaded into the built-in CPU engine.
///
/// All model work runs on one dedicated engine thread (plus the engine's compute threads); async
/// callers are resumed through continuations, so Swift concurrency's cooperative pool never blocks.
/// Requests are served one at a time in submission order.
public final class LocalModel: @unchecked Sendable {
    /// The model file (metadata for the tokenizer, chat template, ...).
    public let file: GGUFFile
    /// Model hyper-parameters.
    public let config: ModelConfig
    /// Compute threads per forward pass.
    public let threads: Int
    private let engine: InferenceEngine
    private let thread: EngineThread

    /// Loads the model at `path`.
    /// - Parameters:
    ///   - threads: compute threads (default: all available cores).
    ///   - contextLength: per-sequence context cap (default: the model's, at most 8192).
    public init(path: String, threads: Int? = nil, contextLength: Int? = nil) throws(EngineError) {
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw EngineError.model(error)
        }
        let count: Int = max(1, threads ?? EngineThreadPool.availableCores)
        let engine: InferenceEngine = try InferenceEngine(file: file, threads: count, contextLength: contextLength)
        self.file = file
        self.engine = engine
        self.config = engine.config
        self.threads = count
        self.thread = EngineThread(name: "sluice-engine")
    }

    deinit {
        thread.shutdown()
    }

    /// Token ids that end generation by default.
    public var endTokens: Set<Int32> { config.endTokens }

    /// Runs `body` with exclusive use of the engine, on the engine thread.
    public func withEngine<T: Sendable>(_ body: @escaping @Sendable (InferenceEngine) throws(EngineError) -> T) async throws(EngineError) -> T {
        let engine: InferenceEngine = self.engine
        let result: Result<T, EngineError> = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, EngineError>, Never>) in
            thread.submit {
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
        prompt: [Int32], params: SamplingParams, onToken: @escaping @Sendable (GeneratedToken) -> Bool
    ) async throws(EngineError) -> GenerationSummary {
        try await withEngine { (engine: InferenceEngine) throws(EngineError) -> GenerationSummary in
            try Generator(engine: engine).run(prompt: prompt, params: params, onToken: onToken)
        }
    }

    /// Streams tokens, then one `.finished` summary. Dropping the stream cancels generation.
    public func stream(prompt: [Int32], params: SamplingParams) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
        let cancelled: ManagedAtomic<Bool> = ManagedAtomic<Bool>(false)
        continuation.onTermination = { _ in cancelled.store(true, ordering: .relaxed) }
        let engine: InferenceEngine = self.engine
        thread.submit {
            do throws(EngineError) {
                let summary: GenerationSummary = try Generator(engine: engine).run(
                    prompt: prompt, params: params, isCancelled: { cancelled.load(ordering: .relaxed) },
                    onToken: { (token: GeneratedToken) -> Bool in
                        if case .terminated = continuation.yield(.token(token)) { return false }
                        return true
                    })
                continuation.yield(.finished(summary))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        return stream
    }
}
