/// A request waiting in an ``AdmissionGate``'s queue.
struct Waiter: Sendable {
    /// The arrival number; waiters of one tier queue in increasing order of it.
    let id: UInt64
    let tokens: Int
    let arrivedAt: ContinuousClock.Instant
    /// When the waiter is rejected as ``AdmissionRejection/Reason/timedOut`` if still queued.
    let deadline: ContinuousClock.Instant
}

/// How a request's visit to the gate ends.
typealias AdmissionOutcome = Result<AdmissionTicket, AdmissionRejection>

/// Where a waiting `enter` call is suspended.
typealias AdmissionContinuation = CheckedContinuation<AdmissionOutcome, Never>

/// A waiter's outcome, to be delivered once the gate's lock is released.
struct AdmissionResumption: Sendable {
    let continuation: AdmissionContinuation
    let outcome: AdmissionOutcome

    func resume() { continuation.resume(returning: outcome) }
}
