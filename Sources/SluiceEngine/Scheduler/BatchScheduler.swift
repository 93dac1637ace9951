import Foundation

/// Continuous batching for one model: concurrent requests share forward passes.
///
/// A dedicated engine thread loops over steps. Before each step it drops cancelled and expired
/// requests, admits waiting ones while fewer than `parallel` run and the KV cache can promise them the
/// room they may need (prompt plus `maxTokens`), and starts each admitted sequence from the longest
/// cached prefix of its prompt. A step is one forward pass holding the next token of every decoding
/// sequence plus up to `prefillChunk` prompt tokens of prefilling ones (oldest first), so a long prompt
/// is computed in chunks while the other streams keep decoding. Finished sequences leave at once and
/// their slots go to the next waiting request.
///
/// Every sequence decodes exactly as it would alone: the kernels compute each batch row with the same
/// arithmetic whatever the batch holds, and a sequence only attends to its own cache blocks.
public final class BatchScheduler: @unchecked Sendable {
    /// The engine the scheduler drives (touched only on the scheduler's thread).
    let engine: InferenceEngine
    public let settings: SchedulerSettings

    private let condition: NSCondition = NSCondition()
    // Guarded by `condition`:
    private var waiting: [ScheduledSequence] = []
    private var jobs: [() -> Void] = []
    private var stopping: Bool = false
    private var finished: Bool = false
    private var snapshot: SchedulerLoad
    // Scheduler thread only:
    var active: [ScheduledSequence] = []

    /// Starts the scheduler's thread for `engine`, whose cache must have room for `parallel + 1` sequences.
    public init(engine: InferenceEngine, settings: SchedulerSettings, name: String = "sluice-engine") {
        self.engine = engine
        self.settings = settings
        self.snapshot = SchedulerLoad(running: 0, waiting: 0, cache: engine.cache.statistics)
        let thread: Thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Requests running and waiting, and the cache's occupancy after the last step.
    public var load: SchedulerLoad {
        condition.lock()
        defer { condition.unlock() }
        return snapshot
    }

    /// Queues `request`. A request that can never run, or finds the queue full, fails at once through `onFinish`.
    public func submit(_ request: SequenceRequest) {
        if let error: EngineError = validate(request) {
            request.onFinish(.failure(error))
            return
        }
        let sequence: ScheduledSequence = ScheduledSequence(
            request: request, vocabSize: engine.config.vocabSize, endTokens: engine.config.endTokens,
            queueTimeout: settings.queueTimeout)
        condition.lock()
        guard !stopping else {
            condition.unlock()
            request.onFinish(.failure(.cancelled))
            return
        }
        // Waiting counts requests that found every slot busy; a request that can start right away never waits.
        let queued: Int = waiting.count
        guard queued < settings.maxWaiting || snapshot.running + queued < settings.parallel else {
            condition.unlock()
            request.onFinish(.failure(.queueFull(waiting: queued)))
            return
        }
        waiting.append(sequence)
        snapshot.waiting = waiting.count
        condition.signal()
        condition.unlock()
    }

    /// Runs `job` on the scheduler's thread between two steps, with exclusive use of the engine.
    public func perform(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Fails everything still queued or running with `EngineError.cancelled`, then ends the thread.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func validate(_ request: SequenceRequest) -> EngineError? {
        guard !request.prompt.isEmpty else { return .invalidRequest("empty prompt") }
        guard request.params.maxTokens >= 0 else { return .invalidRequest("maxTokens must be >= 0") }
        guard request.prompt.count < engine.contextLength else {
            return .contextOverflow(position: request.prompt.count, contextLength: engine.contextLength)
        }
        let needed: Int = Self.tokensNeeded(request, contextLength: engine.contextLength)
        guard needed <= engine.cache.capacityTokens else {
            return .exceedsCache(neededTokens: needed, capacityTokens: engine.cache.capacityTokens)
        }
        return nil
    }

    /// Cache room a request may use: its prompt plus every token it may generate, within the context.
    static func tokensNeeded(_ request: SequenceRequest, contextLength: Int) -> Int {
        let (total, overflow): (Int, Bool) = request.prompt.count.addingReportingOverflow(request.params.maxTokens)
        return overflow ? contextLength : min(total, contextLength)
    }

    private func loop() {
        while true {
            condition.lock()
            while !stopping && jobs.isEmpty && waiting.isEmpty && active.isEmpty { condition.wait() }
            if stopping {
                let abandoned: [ScheduledSequence] = waiting
                waiting = []
                condition.unlock()
                for sequence: ScheduledSequence in active { finish(sequence, .failure(.cancelled)) }
                for sequence: ScheduledSequence in abandoned { sequence.request.onFinish(.failure(.cancelled)) }
                condition.lock()
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let pendingJobs: [() -> Void] = jobs
            jobs = []
            let running: Int = active.count
            let (expired, admitted): ([ScheduledSequence], Bool) = admitLocked()
            condition.unlock()
            for sequence: ScheduledSequence in active[running...] { sequence.request.onStart(sequence.cachedTokens) }

            for job: () -> Void in pendingJobs { job() }
            for sequence: ScheduledSequence in expired { dismiss(sequence) }
            for sequence: ScheduledSequence in active where sequence.isCancelled { finish(sequence, .success(sequence.summary(.cancelled))) }
            if !active.isEmpty {
                step()
            } else if !admitted {
                // Requests wait only for running ones to finish; with none running, re-check shortly.
                condition.lock()
                if jobs.isEmpty && !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: 0.005)) }
                condition.unlock()
            }
            publish()
        }
    }

    /// Moves cancelled and timed-out requests out of the queue and admits waiting ones, oldest first,
    /// while slots and cache allow. Called with the lock held.
    private func admitLocked() -> (expired: [ScheduledSequence], admitted: Bool) {
        let now: ContinuousClock.Instant = .now
        var expired: [ScheduledSequence] = []
        waiting.removeAll { (sequence: ScheduledSequence) -> Bool in
            guard sequence.isCancelled || sequence.deadline <= now else { return false }
            expired.append(sequence)
            return true
        }
        var admitted: Bool = false
        while active.count < settings.parallel, let next: ScheduledSequence = waiting.first {
            guard let slot: Int = try? engine.cache.allocateSequence() else { break }
            let prompt: [Int32] = next.request.prompt
            let matched: Int = settings.prefixCache ? engine.cache.attachPrefix(slot, tokens: prompt) : 0
            let needed: Int = Self.tokensNeeded(next.request, contextLength: engine.contextLength)
            guard engine.cache.reserveAhead(slot, length: needed) else {
                engine.cache.releaseSequence(slot)
                break
            }
            waiting.removeFirst()
            next.slot = slot
            next.computed = matched
            next.cachedTokens = matched
            next.admitted = now
            active.append(next)
            admitted = true
        }
        // Published here, under the lock, so `submit` never counts an admitted request as free room.
        snapshot.waiting = waiting.count
        snapshot.running = active.count
        return (expired, admitted)
    }

    /// Ends a request that left the queue without running.
    private func dismiss(_ sequence: ScheduledSequence) {
        if sequence.isCancelled {
            sequence.request.onFinish(.success(sequence.summary(.cancelled)))
        } else {
            sequence.request.onFinish(.failure(.queueTimeout(seconds: settings.queueTimeout)))
        }
    }

    /// Removes a running sequence, returns its blocks (cached ones stay for reuse), and reports `result`.
    func finish(_ sequence: ScheduledSequence, _ result: Result<GenerationSummary, EngineError>) {
        engine.cache.releaseSequence(sequence.slot)
        active.removeAll { $0 === sequence }
        publish()
        sequence.request.onFinish(result)
    }

    private func publish() {
        let statistics: KVCacheStatistics = engine.cache.statistics
        condition.lock()
        snapshot.running = active.count
        snapshot.waiting = waiting.count
        snapshot.cache = statistics
        condition.unlock()
    }
}

/// A snapshot of a scheduler's work.
public struct SchedulerLoad: Sendable, Equatable {
    /// Sequences admitted and running.
    public var running: Int
    /// Requests waiting for a slot.
    public var waiting: Int
    /// KV cache occupancy.
    public var cache: KVCacheStatistics
}
