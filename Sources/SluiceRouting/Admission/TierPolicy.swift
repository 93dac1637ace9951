/// How an ``AdmissionGate`` treats the requests of one caller tier (such as `free` or `paid`) when its
/// backend is at capacity.
public struct TierPolicy: Sendable, Hashable {
    /// The tier's name, as ``Caller/tier`` spells it.
    public var name: String
    /// Higher goes first: a waiter of a higher priority is always admitted before one of a lower priority,
    /// and may displace it from a full queue.
    public var priority: Int
    /// The longest a request of this tier waits in the queue before it is rejected with
    /// ``AdmissionRejection/Reason/timedOut``. Zero or less: the tier never waits.
    public var queueTimeout: Duration
    /// The share (`0...1`) of a backend's concurrency this tier may hold at once; see ``slots(of:)``.
    /// A share below 1 keeps headroom for the other tiers.
    public var maxShare: Double
    /// What the gateway does with the tier's requests that are turned away.
    public var overload: OverloadAction

    /// - Parameters:
    ///   - maxShare: clamped to `0...1`; not a number counts as 1.
    public init(
        name: String, priority: Int = 0, queueTimeout: Duration = .seconds(5), maxShare: Double = 1,
        overload: OverloadAction = .shed
    ) {
        self.name = name
        self.priority = priority
        self.queueTimeout = queueTimeout
        self.maxShare = Self.clampShare(maxShare)
        self.overload = overload
    }

    /// How many of a backend's `concurrency` slots this tier may hold at once:
    /// `ceil(maxShare × concurrency)`, at least 1 and at most `concurrency`.
    public func slots(of concurrency: Int) -> Int {
        let concurrency = Swift.max(1, concurrency)
        // The small allowance keeps binary rounding (0.7 × 10 = 7.000000000000001) from adding a slot.
        let exact = (Self.clampShare(maxShare) * Double(concurrency) - 1e-9).rounded(.up)
        return Swift.min(concurrency, Swift.max(1, Int(exact)))
    }

    private static func clampShare(_ share: Double) -> Double {
        share.isNaN ? 1 : Swift.min(1, Swift.max(0, share))
    }
}
