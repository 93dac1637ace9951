/// One tier's share of an ``AdmissionGate``: its policy, slots, requests in flight, queue, and counts.
struct TierLane: Sendable {
    let policy: TierPolicy
    /// The most requests of this tier in flight at once (``TierPolicy/slots(of:)``).
    let slots: Int
    var inFlight = 0
    var queue = WaiterQueue()
    var admitted = 0
    var rejected: [AdmissionRejection.Reason: Int] = [:]

    init(policy: TierPolicy, concurrency: Int) {
        self.policy = policy
        self.slots = policy.slots(of: concurrency)
    }

    var priority: Int { policy.priority }

    /// Whether the tier may take one more slot (the backend may still be full).
    var hasRoom: Bool { inFlight < slots }
}
