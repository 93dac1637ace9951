import Synchronization

/// Admission control for one backend: at most ``BackendCapacity/concurrency`` requests in flight (and, if
/// set, ``BackendCapacity/tokensPerMinute`` tokens over a sliding 60 s window); the rest wait in a queue
/// ordered by tier priority, then arrival, each for at most its tier's ``TierPolicy/queueTimeout``.
///
/// ```swift
/// let ticket: AdmissionTicket
/// do {
///     ticket = try await gate.enter(tier: caller.tier, tokens: estimatedTokens)
/// } catch {
///     // `error` is an AdmissionRejection. `.shed`: answer 429 with `Retry-After: error.retryAfterSeconds`;
///     // `.downgrade(route:)`: try that route instead, and say so in the response header.
///     return try await overloaded(error)
/// }
/// defer { gate.leave(ticket) }   // or gate.leave(ticket, actualTokens: usage.totalTokens) once known
/// // … call the upstream
/// ```
///
/// **Guarantees.**
/// - In flight never exceeds `concurrency`, and a tier's in flight never exceeds its
///   ``TierPolicy/slots(of:)``; every admission, departure, and queue change happens under one lock.
/// - A waiter is never admitted while a waiter of a higher priority that fits is queued, and an arrival
///   is admitted at once only when no queued waiter of its priority or higher goes before it. Waiters
///   of one priority go in arrival order; a tier at its share is passed over, as its waiters do not fit.
/// - When the queue is full, an arrival displaces the newest waiter of the lowest priority below its
///   own (rejected ``AdmissionRejection/Reason/displaced``); it is rejected
///   ``AdmissionRejection/Reason/queueFull`` only if no lower-priority request waits.
/// - A waiter still queued at its deadline is rejected ``AdmissionRejection/Reason/timedOut``; a waiter
///   whose task is cancelled is removed and rejected ``AdmissionRejection/Reason/cancelled`` (the typed
///   stand-in for `CancellationError`). Every waiter is resumed exactly once, never under the lock.
///
/// Together with a lower tier's ``TierPolicy/maxShare`` below 1 (headroom that only higher tiers may use),
/// this keeps paid traffic from being shed while free traffic is served: free waiters make way for paid
/// arrivals, and paid waiters take every slot that frees before free waiters do. Requests already in
/// flight are never preempted.
///
/// **Tokens.** A request is admitted only if its tokens fit in what the window has left; the next waiter
/// that fits the slots but not the window holds up those behind it, so a large request is not starved,
/// until enough older admissions age out. A request needing more than the whole `tokensPerMinute` could
/// never fit and is rejected at once as ``AdmissionRejection/Reason/tooLarge``. Leaving with
/// `actualTokens` replaces the estimate counted at admission.
///
/// **Timers.** One timer task per gate, armed only while requests wait, wakes the gate at the next waiter
/// deadline (or when the token window makes room); it is cancelled as soon as nothing waits.
public final class AdmissionGate: Sendable {
    /// The backend's capacity, as given.
    public let capacity: BackendCapacity
    /// The tier policies, as given.
    public let tiers: TierTable
    let state: Mutex<AdmissionState>
    let time: AdmissionTimeSource

    /// - Parameters:
    ///   - capacity: what the backend can take at once.
    ///   - tiers: how each caller tier is treated.
    public convenience init(capacity: BackendCapacity, tiers: TierTable) {
        self.init(capacity: capacity, tiers: tiers, tokenWindow: .seconds(60), time: .continuous)
    }

    /// As ``init(capacity:tiers:)``, with a token window of another length or another clock (for tests).
    init(capacity: BackendCapacity, tiers: TierTable, tokenWindow: Duration, time: AdmissionTimeSource) {
        self.capacity = capacity
        self.tiers = tiers
        self.time = time
        // The state is made before `self` exists; it learns its gate's identity right after.
        state = Mutex(AdmissionState(
            gate: ObjectIdentifier(Self.self), capacity: capacity, tiers: tiers, tokenWindow: tokenWindow))
        let identity = ObjectIdentifier(self)
        state.withLock { $0.setGate(identity) }
    }

    /// Admits a request of `tier` that expects to use `tokens`, waiting in the queue if need be.
    ///
    /// - Returns: the ticket to hand back to ``leave(_:actualTokens:)`` when the upstream call ends.
    /// - Throws: ``AdmissionRejection`` when the request is turned away or its task is cancelled while
    ///   waiting; it names the tier's overload action and an estimate of when to retry.
    public func enter(tier: String, tokens: Int) async throws(AdmissionRejection) -> AdmissionTicket {
        let arrival = mutate { state, now, resumptions in
            state.arrive(tier: tier, tokens: tokens, now: now, into: &resumptions)
        }
        switch arrival {
        case .admitted(let ticket): return ticket
        case .rejected(let rejection): throw rejection
        case .queued(let id, let lane): return try await wait(id: id, lane: lane).get()
        }
    }

    /// Frees the ticket's slot and admits the best waiters that now fit. Leaving twice, or with another
    /// gate's ticket, does nothing.
    ///
    /// - Parameter actualTokens: the tokens the request really used, replacing its estimate in the
    ///   tokens-per-minute window; `nil` keeps the estimate.
    public func leave(_ ticket: AdmissionTicket, actualTokens: Int? = nil) {
        mutate { state, now, _ in state.leave(ticket, actualTokens: actualTokens, now: now) }
    }

    /// What the gate holds now, and its counts so far.
    public var snapshot: AdmissionSnapshot {
        state.withLock { $0.snapshot(now: time.now()) }
    }

    /// Suspends until queued waiter `id` is admitted or rejected, or its task is cancelled.
    private func wait(id: UInt64, lane: Int) async -> AdmissionOutcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: AdmissionContinuation) in
                if let outcome = state.withLock({ $0.install(continuation, for: id) }) {
                    continuation.resume(returning: outcome)
                }
            }
        } onCancel: {
            mutate { state, now, resumptions in state.cancel(id: id, lane: lane, now: now, into: &resumptions) }
        }
    }

    /// Runs `body` under the lock, then settles the queue (expiring overdue waiters and admitting those
    /// that fit) and re-arms the timer, still under the lock; resumes the waiters after releasing it.
    func mutate<Value: Sendable>(
        _ body: (inout AdmissionState, ContinuousClock.Instant, inout [AdmissionResumption]) -> Value
    ) -> Value {
        let (value, resumptions) = state.withLock { state in
            let now = time.now()
            var resumptions: [AdmissionResumption] = []
            let value = body(&state, now, &resumptions)
            state.settle(now: now, into: &resumptions)
            armTimer(&state)
            return (value, resumptions)
        }
        for resumption in resumptions { resumption.resume() }
        return value
    }
}
