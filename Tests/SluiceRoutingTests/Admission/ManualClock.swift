import Synchronization
@testable import SluiceRouting

/// A clock that moves only when the test says, for an ``AdmissionGate`` and the requests that hold its
/// slots: sleepers wake when ``advance(to:)`` reaches their deadline.
final class ManualClock: Sendable {
    private struct Sleeper {
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: ContinuousClock.Instant
        var sleepers: [UInt64: Sleeper] = [:]
        var nextID: UInt64 = 0
    }

    /// Time zero.
    let origin: ContinuousClock.Instant
    private let state: Mutex<State>

    init() {
        let origin = ContinuousClock.now
        self.origin = origin
        state = Mutex(State(now: origin))
    }

    var now: ContinuousClock.Instant { state.withLock { $0.now } }

    /// The gate's view of this clock.
    var timeSource: AdmissionTimeSource {
        AdmissionTimeSource(now: { self.now }, sleep: { try await self.sleep(until: $0) })
    }

    func instant(_ offset: Duration) -> ContinuousClock.Instant { origin + offset }

    /// Sets the time to `origin + offset` and wakes every sleeper whose deadline has come.
    func advance(to offset: Duration) {
        let due = state.withLock { state in
            state.now = Swift.max(state.now, origin + offset)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    func sleep(until deadline: ContinuousClock.Instant) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = state.withLock { $0.sleepers.removeValue(forKey: id)?.continuation }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
