/// One key's usage over the sliding window: the times of its counted requests, and a log of token
/// amounts with their times. Times are nanoseconds on the limiter's own timeline. Both logs are kept
/// oldest first; an entry counts while `time > now - window`, so an entry made at `t` stops counting at
/// exactly `t + window`.
///
/// Not thread-safe: a ``RateLimiter`` shard's mutex guards it. A value type changed in place inside the
/// shard's dictionary (through its `_modify` accessor, so the logs are never copied), which also spares
/// the dynamic exclusivity checks a class's stored properties would cost on every access.
struct KeyWindow {
    /// One amount in the token log: an open reservation made at admission, or settled usage.
    struct TokenEntry {
        var time: Int64
        var tokens: Int
        /// A reservation not yet settled or cancelled.
        var open: Bool
    }

    /// Tells this window apart from an earlier one for the same key that was dropped as idle.
    let epoch: UInt64
    /// Admission times, while the key has an RPM limit; trimmed to the limit at each check.
    private(set) var requests = RingBuffer<Int64>()
    private(set) var tokens = RingBuffer<TokenEntry>()
    /// The sequence number of `tokens[0]`; entry `i` has number `firstSequence + i`.
    private var firstSequence: UInt64 = 0
    /// The sum of `tokens`.
    private(set) var tokenSum = 0
    /// The latest time written to either log; later writes never go below it, so the logs stay ordered
    /// even when callers on several threads read the clock in a different order than they take the lock.
    private var latest = Int64.min

    init(epoch: UInt64) {
        self.epoch = epoch
    }

    /// Whether nothing in the window counts any more at `now`. The logs are ordered, so only their newest
    /// entries need looking at; nothing is pruned.
    func isIdle(now: Int64, window: Int64) -> Bool {
        let cutoff = now &- window
        return (requests.last.map { $0 <= cutoff } ?? true) && (tokens.last.map { $0.time <= cutoff } ?? true)
    }

    /// The outcome of ``admit(rpm:tpm:estimate:now:window:)``.
    enum Admission {
        /// Counted; `sequence` numbers the token reservation, if one was made.
        case allowed(sequence: UInt64?, requests: Int, tokens: Int)
        /// Not counted: `kind`'s limit is in the way for `wait` nanoseconds.
        case limited(kind: RateLimitKind, limit: Int, wait: Int64)
    }

    /// Checks both limits at `now` and, if the request fits, counts it and reserves `estimate` tokens (a
    /// `nil` limit is not checked and its log not written). When both limits are in the way, the later
    /// wait is reported.
    mutating func admit(rpm: Int?, tpm: Int?, estimate: Int, now: Int64, window: Int64) -> Admission {
        prune(now: now, window: window)
        var refusal: (kind: RateLimitKind, limit: Int, wait: Int64)?
        if let rpm, let wait = requestWait(rpm: rpm, now: now, window: window) {
            refusal = (.requests, rpm, wait)
        }
        if let tpm, let wait = tokenWait(tpm: tpm, estimate: estimate, now: now, window: window),
            wait > refusal?.wait ?? .min
        {
            refusal = (.tokens, tpm, wait)
        }
        if let refusal { return .limited(kind: refusal.kind, limit: refusal.limit, wait: refusal.wait) }
        let sequence = record(now: now, countRequest: rpm != nil, reserve: tpm == nil ? nil : estimate)
        return .allowed(sequence: sequence, requests: requests.count, tokens: tokenSum)
    }

    /// Drops the entries that have left the window at `now`.
    mutating func prune(now: Int64, window: Int64) {
        let cutoff = now &- window
        while let first = requests.first, first <= cutoff { requests.removeFirst() }
        while let first = tokens.first, first.time <= cutoff {
            tokens.removeFirst()
            tokenSum -= first.tokens
            firstSequence &+= 1
        }
    }

    /// How long until a request with `rpm` may be counted, or `nil` if it may be now. Call after
    /// ``prune(now:window:)``. If the limit was lowered since older requests were counted, only the newest
    /// `rpm` of them matter, so the older ones are dropped and the log stays within the limit.
    private mutating func requestWait(rpm: Int, now: Int64, window: Int64) -> Int64? {
        if rpm <= 0 { return window }
        while requests.count > rpm { requests.removeFirst() }
        guard requests.count == rpm, let oldest = requests.first else { return nil }
        return oldest &+ window &- now
    }

    /// How long until `estimate` more tokens fit under `tpm`, or `nil` if they fit now. Call after
    /// ``prune(now:window:)``. An estimate larger than the whole limit fits only in an otherwise empty
    /// window. Only a refusal walks the log, from the oldest entry and only as far as the tokens it
    /// needs freed (or, for an oversized estimate, back past the newest closed reservations).
    private func tokenWait(tpm: Int, estimate: Int, now: Int64, window: Int64) -> Int64? {
        if tpm <= 0 { return window }
        if estimate > tpm {
            guard tokenSum > 0 else { return nil }
            // Wait until the newest entry that still holds tokens has left.
            var offset = tokens.count - 1
            while tokens[offset].tokens == 0 { offset -= 1 }
            return tokens[offset].time &+ window &- now
        }
        let excess = tokenSum + estimate - tpm
        guard excess > 0 else { return nil }
        var freed = 0
        for offset in 0..<tokens.count {
            freed += tokens[offset].tokens
            if freed >= excess { return tokens[offset].time &+ window &- now }
        }
        preconditionFailure("token log sums to less than its total")
    }

    /// Counts an admitted request. Returns the reservation's sequence number when a token entry was made.
    private mutating func record(now: Int64, countRequest: Bool, reserve estimate: Int?) -> UInt64? {
        let time = Swift.max(now, latest)
        latest = time
        if countRequest { requests.append(time) }
        guard let estimate else { return nil }
        let sequence = firstSequence &+ UInt64(tokens.count)
        tokens.append(TokenEntry(time: time, tokens: estimate, open: true))
        tokenSum += estimate
        return sequence
    }

    /// What became of a reservation that ``close(sequence:)`` looked for.
    enum Closing {
        /// It was open and in the window; its tokens no longer count.
        case closed
        /// It was settled or cancelled before.
        case alreadyClosed
        /// It has left the window (the request outlived it), so it no longer counted anyway.
        case gone
    }

    /// Closes the open reservation `sequence`, if it is still in the window, and takes its tokens off.
    mutating func close(sequence: UInt64) -> Closing {
        guard sequence >= firstSequence else { return .gone }
        let offset = sequence - firstSequence
        guard offset < UInt64(tokens.count) else { return .gone }
        let index = Int(offset)
        guard tokens[index].open else { return .alreadyClosed }
        tokenSum -= tokens[index].tokens
        tokens[index].tokens = 0
        tokens[index].open = false
        return .closed
    }

    /// Counts `amount` tokens of settled usage at `now`.
    mutating func addUsage(_ amount: Int, now: Int64) {
        let time = Swift.max(now, latest)
        latest = time
        tokens.append(TokenEntry(time: time, tokens: amount, open: false))
        tokenSum += amount
    }
}
