extension AdmissionState {
    /// Removes the waiters whose deadline has passed, then admits the best waiters that fit.
    mutating func settle(now: ContinuousClock.Instant, into resumptions: inout [AdmissionResumption]) {
        expire(now: now, into: &resumptions)
        dispatch(now: now, into: &resumptions)
    }

    /// Rejects, as ``AdmissionRejection/Reason/timedOut``, every waiter whose deadline has come.
    /// Deadlines grow along each tier's queue, so only queue heads need a look.
    mutating func expire(now: ContinuousClock.Instant, into resumptions: inout [AdmissionResumption]) {
        for lane in lanes.indices {
            while let head = lanes[lane].queue.first, head.deadline <= now {
                _ = lanes[lane].queue.popFirst()
                queued -= 1
                let rejection = reject(.timedOut, lane: lane, tokens: head.tokens, now: now)
                resolve(head.id, .failure(rejection), into: &resumptions)
            }
        }
    }

    /// Admits waiters in order of priority, then arrival, while they fit. A tier at its share is passed
    /// over (its waiters do not fit, others may); a waiter that fits the slots but not the token window
    /// stops the round, so a large request is not starved by smaller ones behind it.
    mutating func dispatch(now: ContinuousClock.Instant, into resumptions: inout [AdmissionResumption]) {
        window?.prune(now: now)
        while inFlight < concurrency, let lane = bestLane() {
            guard let head = lanes[lane].queue.first, window?.fits(head.tokens) ?? true else { return }
            _ = lanes[lane].queue.popFirst()
            queued -= 1
            let ticket = admit(head, lane: lane, now: now)
            resolve(head.id, .success(ticket), into: &resumptions)
        }
    }

    /// The lane whose head waiter goes next among tiers with room: highest priority, then earliest arrival.
    func bestLane() -> Int? {
        var best: Int?
        var bestHead: Waiter?
        for lane in lanes.indices where lanes[lane].hasRoom {
            guard let head = lanes[lane].queue.first else { continue }
            if let chosen = best, let chosenHead = bestHead {
                let priority = lanes[lane].priority
                let chosenPriority = lanes[chosen].priority
                guard priority > chosenPriority || (priority == chosenPriority && head.id < chosenHead.id) else {
                    continue
                }
            }
            best = lane
            bestHead = head
        }
        return best
    }

    /// Takes a slot (and tokens) for `waiter` and writes its ticket.
    mutating func admit(_ waiter: Waiter, lane: Int, now: ContinuousClock.Instant) -> AdmissionTicket {
        let admission = nextNumber()
        inFlight += 1
        lanes[lane].inFlight += 1
        lanes[lane].admitted += 1
        holdings[waiter.id] = Holding(lane: lane, admission: admission, admittedAt: now)
        window?.add(admission: admission, tokens: waiter.tokens, at: now)
        return AdmissionTicket(
            tier: lanes[lane].policy.name, tokens: waiter.tokens, admittedAt: now, waited: now - waiter.arrivedAt,
            gate: gate, id: waiter.id, admission: admission)
    }

    /// When the gate must look again with nobody calling it: the earliest waiter deadline, or the instant
    /// the token window makes room for the waiter that goes next. `nil` when nothing waits.
    func nextWake() -> ContinuousClock.Instant? {
        var wake: ContinuousClock.Instant?
        for lane in lanes {
            guard let head = lane.queue.first else { continue }
            wake = Swift.min(wake ?? head.deadline, head.deadline)
        }
        if inFlight < concurrency, let window, let lane = bestLane(), let head = lanes[lane].queue.first,
           let fits = window.whenFits(head.tokens)
        {
            wake = Swift.min(wake ?? fits, fits)
        }
        return wake
    }
}
