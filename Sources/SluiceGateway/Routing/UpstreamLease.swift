import Synchronization
import SluiceRouting

/// One call's hold on a replica and on its backend's admission slot, given back exactly once: when the
/// answer is complete, when it fails, or when a stream is dropped because the caller went away.
final class UpstreamLease: Sendable {
    let backend: Backend
    let replica: Int
    let ticket: AdmissionTicket?
    let started: ContinuousClock.Instant
    private let ended = Atomic<Bool>(false)

    init(backend: Backend, replica: Int, ticket: AdmissionTicket?, started: ContinuousClock.Instant) {
        self.backend = backend
        self.replica = replica
        self.ticket = ticket
        self.started = started
    }

    /// Gives the replica and the slot back. `success` feeds the replica's latency average; an
    /// abandoned call passes nil and is not measured.
    func end(success: Bool?, actualTokens: Int? = nil) {
        guard !ended.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let latency = success == true ? ContinuousClock.now - started : nil
        backend.balancer.finished(replica, latency: latency, success: success ?? true)
        if let ticket { backend.gate?.leave(ticket, actualTokens: actualTokens) }
    }

    /// Gives the replica back after a failed attempt, keeping the admission slot for the next attempt.
    func endAttempt(success: Bool?) {
        guard !ended.exchange(true, ordering: .acquiringAndReleasing) else { return }
        backend.balancer.finished(replica, latency: nil, success: success ?? true)
    }

    deinit { end(success: nil) }
}
