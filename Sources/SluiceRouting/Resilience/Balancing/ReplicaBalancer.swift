import Synchronization

/// Spreads the requests for one model over its replicas, with optional prefix affinity.
///
/// Around each upstream call:
/// ```swift
/// guard let choice = balancer.pick(excluding: tried, isAvailable: { health.allowsRequest(to: ids[$0]) },
///                                  affinity: PrefixAffinity.key(messages: request.messages)) else { … }
/// balancer.started(choice.index)
/// … call the replica …
/// balancer.finished(choice.index, latency: timeToFirstByte, success: !outcome.isFailure)
/// ```
///
/// **Strategies** (``BalancingStrategy``): smooth weighted round-robin, least in flight, or power of two
/// choices on latency EWMA. All of them prefer replicas under their ``ReplicaSpec/capacity`` when any
/// candidate is.
///
/// **Affinity.** With an affinity key (``PrefixAffinity/key(messages:)``), the replica is chosen by
/// rendezvous hashing over the candidates, weighted by weight: keys spread in proportion to weight, and a
/// replica that leaves the candidates moves only its own keys. A conversation thus returns to the replica
/// that holds its KV cache — unless that replica is overloaded: in flight at or above its capacity, or,
/// with no capacity, more than twice the candidates' mean in flight plus one. Then the strategy picks
/// among the other candidates (preferring those not overloaded either) and the reason says
/// `affinity-overloaded->…`.
///
/// Latency is what the caller measures and passes to ``finished(_:latency:success:)``; time to first byte
/// suits streamed and unstreamed calls alike. Pass the same kind of measurement every time.
public final class ReplicaBalancer: Sendable {
    /// The replicas, in the order their indices refer to.
    public let replicas: [ReplicaSpec]
    /// How replicas are chosen when affinity does not decide.
    public let strategy: BalancingStrategy
    private let core: Mutex<BalancerCore>

    /// - Parameters:
    ///   - replicas: The replicas; indices in the other methods refer to positions in this array.
    ///   - strategy: How to choose when affinity does not decide.
    ///   - ewmaAlpha: The weight of a new latency sample in the EWMA, in `(0, 1]`. Default 0.3.
    ///   - random: The generator for the power-of-two draws; a ``SplitMix64`` makes them repeatable.
    public init(
        replicas: [ReplicaSpec],
        strategy: BalancingStrategy = .weighted,
        ewmaAlpha: Double = 0.3,
        random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        let alpha = ewmaAlpha.isFinite && ewmaAlpha > 0 ? min(ewmaAlpha, 1) : 0.3
        self.replicas = replicas
        self.strategy = strategy
        self.core = Mutex(BalancerCore(replicas: replicas, strategy: strategy, alpha: alpha, random: random))
    }

    /// Chooses a replica, or returns `nil` when none is a candidate.
    ///
    /// - Parameters:
    ///   - excluding: Indices not to pick, such as replicas already tried for this request.
    ///   - isAvailable: Whether a replica may take a request now (say, its circuit breaker allows it).
    ///     Called once per replica before the balancer's lock is taken, so it may consult other locks.
    ///   - affinity: The request's affinity key, to keep a conversation on one replica.
    /// - Returns: The choice. Picking does not count the request as in flight: call
    ///   ``started(_:)`` when it is sent.
    public func pick(
        excluding: Set<Int> = [], isAvailable: (Int) -> Bool = { _ in true }, affinity: UInt64? = nil
    ) -> ReplicaChoice? {
        let candidates = replicas.indices.filter { !excluding.contains($0) && isAvailable($0) }
        guard !candidates.isEmpty else { return nil }
        return core.withLock { $0.pick(candidates: candidates, affinity: affinity) }
    }

    /// Counts a request to replica `index` as in flight. Out-of-range indices are ignored.
    public func started(_ index: Int) {
        core.withLock { $0.started(index) }
    }

    /// Counts a request to replica `index` as finished, and feeds its latency into the replica's EWMA.
    ///
    /// A failure's latency is not taken at face value: it feeds at least twice the replica's EWMA (or the
    /// slowest replica's, while this one is unmeasured). Pass `latency: nil` when there is nothing to
    /// measure, such as a cancelled request. Out-of-range indices are ignored.
    public func finished(_ index: Int, latency: Duration?, success: Bool) {
        core.withLock { $0.finished(index, latency: latency, success: success) }
    }

    /// Each replica's in-flight count, latency EWMA, and totals, in replica order.
    public var snapshot: [ReplicaSnapshot] {
        core.withLock { $0.snapshot() }
    }
}
