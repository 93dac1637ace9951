/// How a ``ReplicaBalancer`` chooses among the replicas of one model when affinity does not decide.
///
/// The raw values are the spellings of `balance:` in `sluice.yaml`.
public enum BalancingStrategy: String, Sendable, Hashable, CaseIterable {
    /// Smooth weighted round-robin, as nginx does it: over any run of picks each replica gets its
    /// weight's share, and picks of one replica are spread out rather than bunched.
    case weighted
    /// The replica with the fewest requests in flight; ties go to the heavier weight, then round-robin.
    case leastInFlight = "least_in_flight"
    /// Power of two choices on latency: two distinct replicas drawn at random (in proportion to weight),
    /// and the one with the lower `EWMA latency × (in flight + 1)` wins. A replica with no measurement yet
    /// counts as fastest, so that it gets measured.
    case latencyEWMA = "latency"

    /// The name used in ``ReplicaChoice/reason``: `weighted`, `least-in-flight`, or `ewma-p2c`.
    public var reason: String {
        switch self {
        case .weighted: "weighted"
        case .leastInFlight: "least-in-flight"
        case .latencyEWMA: "ewma-p2c"
        }
    }
}
