/// The ``ReplicaBalancer``'s state, without the lock: per-replica load, latency, and the strategies'
/// own bookkeeping.
///
/// Replica numbers are positions in ``replicas``; a `candidates` list holds the numbers that may be
/// picked, in ascending order.
struct BalancerCore {
    let replicas: [ReplicaSpec]
    let strategy: BalancingStrategy
    /// The EWMA smoothing factor: the weight of a new sample.
    let alpha: Double
    /// ``RendezvousHash/idHash(_:)`` of each replica's id.
    let idHashes: [UInt64]
    /// Each replica's weight.
    let weights: [Int]

    var inFlight: [Int]
    /// Latency EWMAs in nanoseconds, `nil` until measured.
    var ewma: [Double?]
    var completed: [Int]
    var failures: [Int]
    /// Smooth weighted round-robin: each replica's current weight.
    var currentWeights: [Int]
    /// Least-in-flight: where the round-robin among ties starts next.
    var cursor = 0
    var random: any RandomNumberGenerator & Sendable

    init(replicas: [ReplicaSpec], strategy: BalancingStrategy, alpha: Double, random: any RandomNumberGenerator & Sendable) {
        self.replicas = replicas
        self.strategy = strategy
        self.alpha = alpha
        self.idHashes = replicas.map { RendezvousHash.idHash($0.id) }
        self.weights = replicas.map(\.weight)
        self.inFlight = Array(repeating: 0, count: replicas.count)
        self.ewma = Array(repeating: nil, count: replicas.count)
        self.completed = Array(repeating: 0, count: replicas.count)
        self.failures = Array(repeating: 0, count: replicas.count)
        self.currentWeights = Array(repeating: 0, count: replicas.count)
        self.random = random
    }

    /// Picks among `candidates` (non-empty): the affinity key's replica unless it is overloaded, else the
    /// strategy's choice.
    mutating func pick(candidates: [Int], affinity: UInt64?) -> ReplicaChoice {
        guard let affinity else {
            return choice(pickByStrategy(preferringRoom(candidates)), reason: strategy.reason)
        }
        let target = RendezvousHash.choose(
            key: affinity, candidates: candidates, idHashes: idHashes, weights: weights)
        let others = candidates.filter { $0 != target }
        guard isOverloaded(target, among: candidates), !others.isEmpty else {
            return choice(target, reason: "affinity")
        }
        let notOverloaded = others.filter { !isOverloaded($0, among: candidates) }
        let pool = notOverloaded.isEmpty ? others : notOverloaded
        return choice(pickByStrategy(pool), reason: "affinity-overloaded->" + strategy.reason)
    }

    /// Whether replica `index` is overloaded: in flight at or over its capacity, or, without a capacity,
    /// in flight more than twice the mean in flight of `candidates`, plus one.
    func isOverloaded(_ index: Int, among candidates: [Int]) -> Bool {
        if let capacity = replicas[index].capacity { return inFlight[index] >= capacity }
        let total = candidates.reduce(0) { $0 + inFlight[$1] }
        let mean = Double(total) / Double(max(candidates.count, 1))
        return Double(inFlight[index]) > 2 * mean + 1
    }

    mutating func started(_ index: Int) {
        guard replicas.indices.contains(index) else { return }
        inFlight[index] += 1
    }

    mutating func finished(_ index: Int, latency: Duration?, success: Bool) {
        guard replicas.indices.contains(index) else { return }
        inFlight[index] = max(inFlight[index] - 1, 0)
        completed[index] += 1
        if !success { failures[index] += 1 }
        guard let sample = latencySample(index, latency: latency, success: success) else { return }
        ewma[index] = ewma[index].map { alpha * sample + (1 - alpha) * $0 } ?? sample
    }

    func snapshot() -> [ReplicaSnapshot] {
        replicas.indices.map { index in
            ReplicaSnapshot(
                id: replicas[index].id, weight: replicas[index].weight, capacity: replicas[index].capacity,
                inFlight: inFlight[index], latencyEWMA: ewma[index].map { ResilienceTime.duration(nanoseconds: $0) },
                completed: completed[index], failures: failures[index])
        }
    }

    /// The sample a finished request feeds into its replica's EWMA, in nanoseconds, or `nil` for none.
    ///
    /// A success feeds its latency. A failure's latency says little (a refused connection is quick), so
    /// it feeds at least twice the replica's EWMA, or twice the slowest EWMA of any replica while this one
    /// is unmeasured: a failing replica looks slow, not fast.
    private func latencySample(_ index: Int, latency: Duration?, success: Bool) -> Double? {
        let observed = latency.map { Double(ResilienceTime.nanoseconds($0)) }
        if success { return observed.map { max($0, 0) } }
        let reference = ewma[index] ?? ewma.compactMap { $0 }.max() ?? 0
        let sample = max(observed ?? 0, 2 * reference)
        return sample > 0 ? sample : nil
    }

    /// The replicas of `pool` that are under their capacity, or all of `pool` when none is.
    private func preferringRoom(_ pool: [Int]) -> [Int] {
        let withRoom = pool.filter { index in replicas[index].capacity.map { inFlight[index] < $0 } ?? true }
        return withRoom.isEmpty ? pool : withRoom
    }

    private func choice(_ index: Int, reason: String) -> ReplicaChoice {
        ReplicaChoice(index: index, replicaID: replicas[index].id, reason: reason)
    }
}
