import Foundation
import Testing

@testable import SluiceEngine

/// Continuous batching with the real default model: shared steps must not change any sequence's output.
@Suite(.serialized) struct BatchSchedulerTests {
    /// The eight reference prompts (chat-templated token ids from llama.cpp's fixtures).
    static func prompts() throws -> [[Int32]] {
        try ReferenceAgreementTests.fixture().chat.map { $0.prompt_ids.map { Int32($0) } }
    }

    /// What one request produced.
    struct Output: Equatable {
        var ids: [Int32]
        var logprobs: [Float]
        var summary: GenerationSummary
    }

    static func run(_ model: LocalModel, _ prompt: [Int32], maxTokens: Int = 24) async throws -> Output {
        let collected: TokenCollector = TokenCollector()
        let summary: GenerationSummary = try await model.generate(
            prompt: prompt, params: SamplingParams(temperature: 0, maxTokens: maxTokens, topLogprobs: 2)
        ) { (token: GeneratedToken) -> Bool in
            collected.append(token)
            return true
        }
        return Output(ids: collected.tokens.map(\.id), logprobs: collected.tokens.map(\.logprob), summary: summary)
    }

    /// Submits straight to the scheduler, logging events from the engine thread.
    static func submit(
        _ model: LocalModel, _ name: String, _ prompt: [Int32], _ params: SamplingParams, _ log: EventLog
    ) async throws -> GenerationSummary {
        let result: Result<GenerationSummary, EngineError> = await withCheckedContinuation { continuation in
            model.scheduler.submit(SequenceRequest(
                prompt: prompt, params: params, onStart: { log.add(name, .started(cachedTokens: $0)) },
                onToken: { (token: GeneratedToken) -> Bool in
                    log.add(name, .token(token))
                    return true
                },
                onFinish: { continuation.resume(returning: $0) }))
        }
        return try result.get()
    }

    @Test func eightConcurrentGreedyRequestsEqualEachAlone() async throws {
        let prompts: [[Int32]] = try Self.prompts()
        #expect(prompts.count == 8)
        // Alone: one sequence at a time, no prefix cache.
        let single: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 512, settings: SchedulerSettings(parallel: 1, prefixCache: false))
        var alone: [Output] = []
        for prompt: [Int32] in prompts { alone.append(try await Self.run(single, prompt, maxTokens: 32)) }

        let batched: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 512,
            settings: SchedulerSettings(parallel: 8, prefillChunk: 64, prefixCache: false))
        let together: [Output] = try await withThrowingTaskGroup(of: (Int, Output).self) { group in
            for (index, prompt) in prompts.enumerated() {
                group.addTask { (index, try await Self.run(batched, prompt, maxTokens: 32)) }
            }
            var results: [Output?] = Array(repeating: nil, count: prompts.count)
            for try await (index, output) in group { results[index] = output }
            return results.map { $0! }
        }
        for index: Int in prompts.indices {
            #expect(together[index].ids == alone[index].ids, "prompt \(index)")
            #expect(together[index].logprobs == alone[index].logprobs, "prompt \(index)")
            #expect(together[index].summary.finishReason == alone[index].summary.finishReason)
            #expect(together[index].summary.completionTokens == alone[index].ids.count)
        }
        #expect(alone.contains { $0.summary.finishReason == .stop })
        #expect(alone.contains { $0.summary.finishReason == .length })
        #expect(batched.scheduler.load.running == 0)
        #expect(batched.scheduler.load.cache.blocksInUse == 0)
    }

    @Test func aLongPromptIsPrefilledInChunksWhileAnotherStreamDecodes() async throws {
        let prompts: [[Int32]] = try Self.prompts()
        let model: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 1024,
            settings: SchedulerSettings(parallel: 2, prefillChunk: 100, prefixCache: false))
        // A 520-token prompt: the reference prompts repeated, then the last one whole.
        var long: [Int32] = []
        while long.count < 450 { long += prompts[long.count % 7].dropLast(0) }
        long = Array(long.prefix(450)) + prompts[7]
        let aloneLong: Output = try await Self.run(model, long, maxTokens: 8)

        // Callbacks log on the engine thread, so the log's order is the order of the steps.
        let log: EventLog = EventLog()
        var decodeParams: SamplingParams = SamplingParams(temperature: 0, maxTokens: 40)
        decodeParams.ignoreEndTokens = true
        let first: Task<GenerationSummary, any Error> = Task {
            try await Self.submit(model, "a", prompts[0], decodeParams, log)
        }
        // Let the first stream reach decoding before the long prompt arrives.
        while log.count("a", tokens: true) < 2 { try await Task.sleep(for: .milliseconds(5)) }
        _ = try await Self.submit(model, "b", long, SamplingParams(temperature: 0, maxTokens: 8), log)
        let decoded: GenerationSummary = try await first.value
        #expect(decoded.completionTokens == 40)
        let longOutput: [Int32] = log.ids(of: "b")
        #expect(longOutput == aloneLong.ids)
        // Between the long request's admission and its first token, its ~5 prefill chunks each carried a
        // token of the decoding stream.
        let between: Int = log.tokens(of: "a", betweenStartAndFirstTokenOf: "b")
        #expect(between >= (long.count / 100) - 1, "decode tokens during the chunked prefill: \(between)")
    }
}

/// Records stream events from several tasks in arrival order.
final class EventLog: @unchecked Sendable {
    private let lock: NSLock = NSLock()
    private var events: [(String, GenerationEvent)] = []

    func add(_ stream: String, _ event: GenerationEvent) { lock.withLock { events.append((stream, event)) } }

    func count(_ stream: String, tokens: Bool) -> Int {
        lock.withLock {
            events.filter { (name: String, event: GenerationEvent) -> Bool in
                guard name == stream else { return false }
                if case .token = event { return true }
                return false
            }.count
        }
    }

    /// Token ids of `stream`, in order.
    func ids(of stream: String) -> [Int32] {
        lock.withLock {
            events.compactMap { (name: String, event: GenerationEvent) -> Int32? in
                guard name == stream, case .token(let token) = event else { return nil }
                return token.id
            }
        }
    }

    /// Tokens of `stream` logged after `other` started and before `other`'s first token.
    func tokens(of stream: String, betweenStartAndFirstTokenOf other: String) -> Int {
        lock.withLock {
            var started: Bool = false
            var count: Int = 0
            for (name, event) in events {
                if name == other, case .started = event { started = true }
                if name == other, case .token = event { break }
                if started, name == stream, case .token = event { count += 1 }
            }
            return count
        }
    }
}
