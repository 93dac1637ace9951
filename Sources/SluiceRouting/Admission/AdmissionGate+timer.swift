extension AdmissionGate {
    /// Makes sure the timer will wake the gate by ``AdmissionState/nextWake()``: keeps an armed timer that
    /// wakes no later, else replaces it; cancels it when nothing waits. Runs under the lock.
    func armTimer(_ state: inout AdmissionState) {
        guard let wake = state.nextWake() else {
            state.timer?.task.cancel()
            state.timer = nil
            return
        }
        if let timer = state.timer, timer.at <= wake { return }
        state.timer?.task.cancel()
        let generation = state.nextTimerGeneration()
        // Detached: the timer belongs to the gate, not to the request that happened to arm it. It holds
        // the gate weakly, and a gate with waiters is kept alive by their `enter` calls.
        let sleep = time.sleep
        let task = Task.detached { [weak self] in
            do {
                try await sleep(wake)
            } catch {
                return
            }
            self?.timerFired(generation: generation)
        }
        state.timer = AdmissionState.ArmedTimer(at: wake, generation: generation, task: task)
    }

    /// The timer's wake-up: if it is still the armed one, it is spent, and ``mutate(_:)`` settles the queue
    /// (timing out overdue waiters, admitting what the token window now allows) and arms the next one.
    private func timerFired(generation: UInt64) {
        mutate { state, _, _ in
            if state.timer?.generation == generation { state.timer = nil }
        }
    }

    /// Whether a timer task is armed (for tests: none should be once nothing waits).
    var hasArmedTimer: Bool { state.withLock { $0.timer != nil } }
}
