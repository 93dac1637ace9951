extension AdmissionState {
    /// Frees the ticket's slot, corrects its tokens, and records its hold time. A ticket already left,
    /// or issued by another gate, changes nothing.
    mutating func leave(_ ticket: AdmissionTicket, actualTokens: Int?, now: ContinuousClock.Instant) {
        guard ticket.gate == gate, let holding = holdings.removeValue(forKey: ticket.id) else { return }
        inFlight -= 1
        lanes[holding.lane].inFlight -= 1
        holdTime.record(now - holding.admittedAt)
        if let actualTokens {
            window?.correct(admission: holding.admission, tokens: actualTokens)
        }
    }

    /// Removes a waiter whose task was cancelled and rejects it as ``AdmissionRejection/Reason/cancelled``;
    /// a waiter already resolved is left alone.
    mutating func cancel(
        id: UInt64, lane: Int, now: ContinuousClock.Instant, into resumptions: inout [AdmissionResumption]
    ) {
        guard let waiter = lanes[lane].queue.remove(id: id) else { return }
        queued -= 1
        let rejection = reject(.cancelled, lane: lane, tokens: waiter.tokens, now: now)
        resolve(id, .failure(rejection), into: &resumptions)
    }

    /// What the gate holds now.
    func snapshot(now: ContinuousClock.Instant) -> AdmissionSnapshot {
        var snapshot = AdmissionSnapshot(
            inFlight: inFlight, inFlightByTier: [:], queued: queued, queuedByTier: [:], admittedByTier: [:],
            shedByTier: [:], tokensInWindow: nil, averageHold: holdTime.estimate)
        for lane in lanes {
            let name = lane.policy.name
            snapshot.inFlightByTier[name] = lane.inFlight
            snapshot.queuedByTier[name] = lane.queue.count
            snapshot.admittedByTier[name] = lane.admitted
            snapshot.shedByTier[name] = lane.rejected
        }
        if var window {
            window.prune(now: now)
            snapshot.tokensInWindow = window.total
        }
        return snapshot
    }
}
