import Atomics
import Foundation
import Testing

@testable import SluiceEngine

/// The per-model sequence limit, its waiting queue, and cancellation.
@Suite(.serialized) struct SchedulerQueueTests {
    /// A request that decodes until cancelled (or 1,900 tokens, far more than the tests wait for);
    /// `finished` records its finish reason.
    static func endless(
        _ prompt: [Int32], cancelled: ManagedAtomic<Bool>, started: ManagedAtomic<Int>, finished: FinishBox = FinishBox()
    ) -> SequenceRequest {
        let params: SamplingParams = SamplingParams(temperature: 0, maxTokens: 1900, ignoreEndTokens: true)
        return SequenceRequest(
            prompt: prompt, params: params, cancelled: cancelled,
            onToken: { _ in
                started.wrappingIncrement(ordering: .relaxed)
                return true
            },
            onFinish: { finished.set(try? $0.get().finishReason) })
    }

    static func outcome(_ model: LocalModel, _ prompt: [Int32], cancelled: ManagedAtomic<Bool> = ManagedAtomic<Bool>(false))
        async -> Result<GenerationSummary, EngineError>
    {
        await withCheckedContinuation { continuation in
            model.scheduler.submit(SequenceRequest(
                prompt: prompt, params: SamplingParams(temperature: 0, maxTokens: 4), cancelled: cancelled,
                onToken: { _ in true }, onFinish: { continuation.resume(returning: $0) }))
        }
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<6000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
        #expect(condition())
    }

    @Test func aFullQueueRefusesAtOnceAndACancelledRequestFreesItsSlot() async throws {
        let prompts: [[Int32]] = try BatchSchedulerTests.prompts()
        let model: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 2048, settings: SchedulerSettings(parallel: 1, maxWaiting: 1))
        let stop: ManagedAtomic<Bool> = ManagedAtomic<Bool>(false)
        let tokens: ManagedAtomic<Int> = ManagedAtomic<Int>(0)
        let finished: FinishBox = FinishBox()
        model.scheduler.submit(Self.endless(prompts[0], cancelled: stop, started: tokens, finished: finished))
        try await Self.waitUntil { tokens.load(ordering: .relaxed) > 0 }

        let waiter: Task<Result<GenerationSummary, EngineError>, Never> = Task { await Self.outcome(model, prompts[1]) }
        try await Self.waitUntil { model.scheduler.load.waiting == 1 }
        let refused: Result<GenerationSummary, EngineError> = await Self.outcome(model, prompts[2])
        #expect(refused == .failure(.queueFull(waiting: 1)))

        // Cancelling the running request lets the waiting one in.
        stop.store(true, ordering: .relaxed)
        let served: Result<GenerationSummary, EngineError> = await waiter.value
        #expect((try? served.get())?.completionTokens == 4)
        #expect(finished.reason == .cancelled)
        try await Self.waitUntil { model.scheduler.load.running == 0 && model.scheduler.load.cache.blocksInUse == 0 }
    }

    @Test func aRequestThatWaitsPastTheTimeoutFailsAndACancelledWaiterLeaves() async throws {
        let prompts: [[Int32]] = try BatchSchedulerTests.prompts()
        let model: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 2048,
            settings: SchedulerSettings(parallel: 1, maxWaiting: 4, queueTimeout: 0.3))
        let stop: ManagedAtomic<Bool> = ManagedAtomic<Bool>(false)
        let tokens: ManagedAtomic<Int> = ManagedAtomic<Int>(0)
        model.scheduler.submit(Self.endless(prompts[0], cancelled: stop, started: tokens))
        try await Self.waitUntil { tokens.load(ordering: .relaxed) > 0 }

        let timedOut: Result<GenerationSummary, EngineError> = await Self.outcome(model, prompts[1])
        #expect(timedOut == .failure(.queueTimeout(seconds: 0.3)))

        let leave: ManagedAtomic<Bool> = ManagedAtomic<Bool>(false)
        let waiter: Task<Result<GenerationSummary, EngineError>, Never> = Task {
            await Self.outcome(model, prompts[2], cancelled: leave)
        }
        try await Self.waitUntil { model.scheduler.load.waiting == 1 }
        leave.store(true, ordering: .relaxed)
        let left: Result<GenerationSummary, EngineError> = await waiter.value
        #expect((try? left.get())?.finishReason == .cancelled)
        #expect((try? left.get())?.completionTokens == 0)
        stop.store(true, ordering: .relaxed)
    }

    @Test func droppingAStreamStopsItsSequence() async throws {
        let prompts: [[Int32]] = try BatchSchedulerTests.prompts()
        let model: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 512, settings: SchedulerSettings(parallel: 1, maxWaiting: 1))
        var params: SamplingParams = SamplingParams(temperature: 0, maxTokens: 400)
        params.ignoreEndTokens = true
        var received: Int = 0
        for try await event: GenerationEvent in model.stream(prompt: prompts[0], params: params) {
            if case .token = event { received += 1 }
            if received == 3 { break }
        }
        #expect(received == 3)
        // The slot is free again: a new request runs, and nothing stays allocated.
        let next: Result<GenerationSummary, EngineError> = await Self.outcome(model, prompts[1])
        #expect((try? next.get())?.completionTokens == 4)
        try await Self.waitUntil { model.scheduler.load.running == 0 && model.scheduler.load.cache.blocksInUse == 0 }
    }

    @Test func requestsThatCanNeverRunFailAtOnce() async throws {
        let model: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 1, contextLength: 128, settings: SchedulerSettings(parallel: 1))
        let empty: Result<GenerationSummary, EngineError> = await Self.outcome(model, [])
        #expect(empty == .failure(.invalidRequest("empty prompt")))
        let tooLong: Result<GenerationSummary, EngineError> = await Self.outcome(model, [Int32](repeating: 1, count: 200))
        #expect(tooLong == .failure(.contextOverflow(position: 200, contextLength: 128)))
    }
}

/// The finish reason of a request whose result arrives on the engine thread.
final class FinishBox: @unchecked Sendable {
    private let lock: NSLock = NSLock()
    private var stored: FinishReason?
    func set(_ reason: FinishReason?) { lock.withLock { stored = reason } }
    var reason: FinishReason? { lock.withLock { stored } }
}
