/// The replica a ``ReplicaBalancer`` picked, and why.
public struct ReplicaChoice: Sendable, Hashable {
    /// The replica's position in the balancer's ``ReplicaBalancer/replicas``.
    public var index: Int
    /// The replica's ``ReplicaSpec/id``.
    public var replicaID: String
    /// Why it was picked, for logs and the `x-sluice-route-reason` header:
    /// - `affinity`: the conversation's replica (rendezvous hashing on the affinity key);
    /// - `weighted`, `least-in-flight`, `ewma-p2c`: the balancing strategy, with no affinity key;
    /// - `affinity-overloaded->weighted` (and so on): the conversation's replica was overloaded, so the
    ///   strategy chose among the others.
    public var reason: String

    public init(index: Int, replicaID: String, reason: String) {
        self.index = index
        self.replicaID = replicaID
        self.reason = reason
    }
}
