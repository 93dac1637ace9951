import Synchronization

/// Lets asynchronous critical sections run one at a time, in the order they arrive.
///
/// The SQLite store's write connection carries one transaction at a time: any statement sent on it while
/// another task's transaction is open would join that transaction. Every use of the write connection
/// therefore passes through this gate.
final class SerialGate: Sendable {
    private struct State {
        var busy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Runs `body` once every section that arrived earlier has finished.
    func run<Result>(_ body: () async throws(LedgerError) -> Result) async throws(LedgerError) -> Result {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let entered = state.withLock { state -> Bool in
                if state.busy {
                    state.waiters.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if entered { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
