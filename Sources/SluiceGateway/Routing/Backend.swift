import SluiceProviders
import SluiceRouting

/// One configured model at run time: a provider per replica, how requests spread over them, and the
/// admission gate in front of them (when the model has a capacity).
final class Backend: Sendable {
    let config: ModelConfig
    /// One provider per replica; the first is the model's own address.
    let replicas: [any ChatProvider]
    /// Breaker and log names of the replicas: the model name, then `name#2`, `name#3`, ….
    let upstreamIDs: [String]
    let balancer: ReplicaBalancer
    let gate: AdmissionGate?

    init(config: ModelConfig, replicas: [any ChatProvider], tiers: TierTable) {
        self.config = config
        self.replicas = replicas
        self.upstreamIDs = replicas.indices.map { $0 == 0 ? config.name : "\(config.name)#\($0 + 1)" }
        let specs = [ReplicaSpec(id: upstreamIDs[0], weight: config.weight, capacity: config.replicaCapacity)]
            + zip(config.replicas, upstreamIDs.dropFirst()).map { ReplicaSpec(id: $1, weight: $0.weight, capacity: $0.capacity) }
        self.balancer = ReplicaBalancer(replicas: specs, strategy: config.balance.strategy)
        self.gate = config.capacity.map { capacity in
            AdmissionGate(
                capacity: BackendCapacity(
                    concurrency: capacity, tokensPerMinute: config.tokensPerMinute,
                    maxQueue: config.maxQueue ?? 2 * capacity),
                tiers: tiers)
        }
    }

    var name: String { config.name }
    /// The provider that validates requests (every replica serves the same model the same way).
    var primary: any ChatProvider { replicas[0] }
}

extension BalanceConfig {
    var strategy: BalancingStrategy {
        switch self {
        case .weighted: return .weighted
        case .leastInFlight: return .leastInFlight
        case .latency: return .latencyEWMA
        }
    }
}
