/// One replica of a model that a ``ReplicaBalancer`` spreads requests over.
public struct ReplicaSpec: Sendable, Hashable {
    /// A stable name, such as the upstream id. Affinity hashes it, so a replica keeps its conversations
    /// as long as its id stays the same, whatever its position in the list.
    public var id: String
    /// The replica's share of traffic relative to the others, at least 1.
    public var weight: Int
    /// Requests in flight at which the replica counts as overloaded, or `nil` for no fixed limit (see
    /// ``ReplicaBalancer`` for the rule then). At least 1 when set.
    public var capacity: Int?

    public init(id: String, weight: Int = 1, capacity: Int? = nil) {
        self.id = id
        self.weight = max(weight, 1)
        self.capacity = capacity.map { max($0, 1) }
    }
}
