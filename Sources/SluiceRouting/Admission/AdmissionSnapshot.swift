/// What an ``AdmissionGate`` holds at one moment, and what it has done since it was made. Tiers appear
/// under their policy's name; every tier of the gate's ``TierTable`` (the unknown-tier policy included)
/// is listed, idle ones with 0, so metrics keep a stable set of labels.
public struct AdmissionSnapshot: Sendable, Hashable {
    /// Requests admitted and not yet left.
    public var inFlight: Int
    /// ``inFlight`` by tier.
    public var inFlightByTier: [String: Int]
    /// Requests waiting in the queue.
    public var queued: Int
    /// ``queued`` by tier.
    public var queuedByTier: [String: Int]
    /// Requests admitted so far, by tier.
    public var admittedByTier: [String: Int]
    /// Requests turned away so far, by tier and reason (cancelled waits included, as
    /// ``AdmissionRejection/Reason/cancelled``).
    public var shedByTier: [String: [AdmissionRejection.Reason: Int]]
    /// Tokens admitted in the sliding window, when the backend has a tokens-per-minute limit.
    public var tokensInWindow: Int?
    /// The moving average of how long admitted requests hold their slot (1 s until one has left).
    public var averageHold: Duration

    /// Every request admitted so far.
    public var admitted: Int { admittedByTier.values.reduce(0, +) }

    /// Every request turned away so far.
    public var shed: Int { shedByTier.values.reduce(0) { $0 + $1.values.reduce(0, +) } }
}
