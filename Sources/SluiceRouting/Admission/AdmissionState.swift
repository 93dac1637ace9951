/// The state of one ``AdmissionGate``, kept behind its lock: slots in flight, the tier queues, the token
/// window, and the continuations of suspended waiters. Every method runs under the lock and only collects
/// resumptions; the gate delivers them after releasing it.
struct AdmissionState: Sendable {
    /// A request in flight.
    struct Holding: Sendable {
        let lane: Int
        let admission: UInt64
        let admittedAt: ContinuousClock.Instant
    }

    /// The gate's one timer task, sleeping until ``at``.
    struct ArmedTimer: Sendable {
        let at: ContinuousClock.Instant
        let generation: UInt64
        let task: Task<Void, Never>
    }

    /// The owning gate, stamped on its tickets so another gate's ticket is ignored.
    private(set) var gate: ObjectIdentifier
    let concurrency: Int
    let maxQueue: Int
    var lanes: [TierLane]
    let laneIndex: [String: Int]
    let unknownLane: Int
    var window: TokenWindow?
    var holdTime = HoldTimeAverage()

    var inFlight = 0
    var queued = 0
    var holdings: [UInt64: Holding] = [:]
    /// The continuations of waiters suspended in `enter`.
    var continuations: [UInt64: AdmissionContinuation] = [:]
    /// Outcomes reached before the waiter installed its continuation; it takes them when it does.
    var early: [UInt64: AdmissionOutcome] = [:]
    var timer: ArmedTimer?
    private(set) var timerGeneration: UInt64 = 0
    /// Numbers arrivals and admissions, in one order.
    private var counter: UInt64 = 0

    init(gate: ObjectIdentifier, capacity: BackendCapacity, tiers: TierTable, tokenWindow: Duration) {
        self.gate = gate
        concurrency = Swift.max(1, capacity.concurrency)
        maxQueue = Swift.max(0, capacity.maxQueue)
        lanes = tiers.allPolicies.map { TierLane(policy: $0, concurrency: Swift.max(1, capacity.concurrency)) }
        var index: [String: Int] = [:]
        for (position, lane) in lanes.enumerated() { index[lane.policy.name] = position }
        laneIndex = index
        unknownLane = index[tiers.unknown.name] ?? 0
        window = capacity.tokensPerMinute.map { TokenWindow(limit: $0, length: tokenWindow) }
    }

    /// Sets the owning gate, which exists only once the state it holds is made.
    mutating func setGate(_ gate: ObjectIdentifier) { self.gate = gate }

    func lane(for tier: String) -> Int { laneIndex[tier] ?? unknownLane }

    mutating func nextNumber() -> UInt64 {
        counter += 1
        return counter
    }

    mutating func nextTimerGeneration() -> UInt64 {
        timerGeneration += 1
        return timerGeneration
    }

    /// Delivers `outcome` to waiter `id`: now if it is suspended, else when it installs its continuation.
    mutating func resolve(_ id: UInt64, _ outcome: AdmissionOutcome, into resumptions: inout [AdmissionResumption]) {
        if let continuation = continuations.removeValue(forKey: id) {
            resumptions.append(AdmissionResumption(continuation: continuation, outcome: outcome))
        } else {
            early[id] = outcome
        }
    }

    /// Stores the continuation of queued waiter `id`, or returns the outcome it already has.
    mutating func install(_ continuation: AdmissionContinuation, for id: UInt64) -> AdmissionOutcome? {
        if let outcome = early.removeValue(forKey: id) { return outcome }
        continuations[id] = continuation
        return nil
    }

    /// Makes (and counts) a rejection for a request of `lane` that needs `tokens`.
    mutating func reject(
        _ reason: AdmissionRejection.Reason, lane: Int, tokens: Int, now: ContinuousClock.Instant
    ) -> AdmissionRejection {
        lanes[lane].rejected[reason, default: 0] += 1
        let policy = lanes[lane].policy
        return AdmissionRejection(
            reason: reason, tier: policy.name, retryAfter: retryAfter(reason, lane: lane, tokens: tokens, now: now),
            overload: policy.overload)
    }

    /// An honest guess at when a request of `lane` could be admitted: the waiters of its priority or higher
    /// must go first, each slot turns over once per average hold time, and a token-limited backend must
    /// also have room in its window. At least 1 s.
    func retryAfter(
        _ reason: AdmissionRejection.Reason, lane: Int, tokens: Int, now: ContinuousClock.Instant
    ) -> Duration {
        if reason == .tooLarge, let window { return Swift.max(.seconds(1), window.length) }
        let priority = lanes[lane].priority
        let ahead = lanes.reduce(0) { $0 + ($1.priority >= priority ? $1.queue.count : 0) }
        let slots = Swift.min(concurrency, lanes[lane].slots)
        var estimate = holdTime.estimate * (Double(ahead + 1) / Double(slots))
        if let window, tokens <= window.limit, let fits = window.whenFits(tokens) {
            estimate = Swift.max(estimate, fits - now)
        }
        return Swift.max(.seconds(1), estimate)
    }
}
