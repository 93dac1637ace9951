extension AdmissionState {
    /// Where an arriving request stands after its first look at the gate.
    enum Arrival: Sendable {
        case admitted(AdmissionTicket)
        case rejected(AdmissionRejection)
        /// Queued under `id` in `lane`; the caller must wait for its outcome.
        case queued(id: UInt64, lane: Int)
    }

    /// Queues a request and lets the queue's order decide: it is admitted at once only if it is the best
    /// waiter that fits. Otherwise it stays queued, displacing the newest waiter of the lowest priority
    /// below its own when the queue is full, or is rejected.
    mutating func arrive(
        tier: String, tokens: Int, now: ContinuousClock.Instant, into resumptions: inout [AdmissionResumption]
    ) -> Arrival {
        let lane = lane(for: tier)
        let tokens = TokenWindow.clamp(tokens)
        if let window, tokens > window.limit {
            return .rejected(reject(.tooLarge, lane: lane, tokens: tokens, now: now))
        }
        let policy = lanes[lane].policy
        // Overdue waiters go first, so they neither take a slot nor hold the arrival back.
        expire(now: now, into: &resumptions)
        let id = nextNumber()
        let timeout = Swift.max(.zero, policy.queueTimeout)
        lanes[lane].queue.append(Waiter(id: id, tokens: tokens, arrivedAt: now, deadline: now + timeout))
        queued += 1
        dispatch(now: now, into: &resumptions)
        if let outcome = early.removeValue(forKey: id) {
            switch outcome {
            case .success(let ticket): return .admitted(ticket)
            case .failure(let rejection): return .rejected(rejection)
            }
        }
        if timeout == .zero {
            return .rejected(withdraw(lane: lane, reason: .timedOut, tokens: tokens, now: now, into: &resumptions))
        }
        if queued > maxQueue {
            guard let victim = displaceable(below: policy.priority), let displaced = lanes[victim].queue.removeLast()
            else {
                return .rejected(withdraw(lane: lane, reason: .queueFull, tokens: tokens, now: now, into: &resumptions))
            }
            queued -= 1
            let rejection = reject(.displaced, lane: victim, tokens: displaced.tokens, now: now)
            resolve(displaced.id, .failure(rejection), into: &resumptions)
        }
        return .queued(id: id, lane: lane)
    }

    /// Takes the arrival (the newest waiter of `lane`) back out of the queue and rejects it.
    private mutating func withdraw(
        lane: Int, reason: AdmissionRejection.Reason, tokens: Int, now: ContinuousClock.Instant,
        into resumptions: inout [AdmissionResumption]
    ) -> AdmissionRejection {
        _ = lanes[lane].queue.removeLast()
        queued -= 1
        let rejection = reject(reason, lane: lane, tokens: tokens, now: now)
        // The arrival may have been the waiter that held the others back on tokens.
        dispatch(now: now, into: &resumptions)
        return rejection
    }

    /// The lane holding the newest waiter of the lowest priority below `priority`, if any waits.
    func displaceable(below priority: Int) -> Int? {
        var victim: Int?
        for lane in lanes.indices where lanes[lane].priority < priority {
            guard let newest = lanes[lane].queue.last else { continue }
            if let chosen = victim, let chosenNewest = lanes[chosen].queue.last {
                let lower = lanes[lane].priority < lanes[chosen].priority
                let tie = lanes[lane].priority == lanes[chosen].priority
                guard lower || (tie && newest.id > chosenNewest.id) else { continue }
            }
            victim = lane
        }
        return victim
    }
}
