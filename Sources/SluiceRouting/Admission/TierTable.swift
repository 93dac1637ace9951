/// The ``TierPolicy`` of each caller tier, and the one that applies to tiers it does not name.
public struct TierTable: Sendable, Hashable {
    /// The named policies, by ``TierPolicy/name``.
    public private(set) var policies: [String: TierPolicy]
    /// The policy for any tier not in ``policies``. Unknown tiers share it, and share its slots, counts
    /// and queue under its name.
    public private(set) var unknown: TierPolicy

    /// - Parameters:
    ///   - policies: the named tiers; of two with the same name, the later wins.
    ///   - unknown: the policy for other tiers (priority 0 by default). If `policies` names a tier
    ///     `unknown.name`, that named policy is used instead.
    public init(_ policies: [TierPolicy] = [], unknown: TierPolicy = TierPolicy(name: "default")) {
        var byName: [String: TierPolicy] = [:]
        for policy in policies { byName[policy.name] = policy }
        self.policies = byName
        self.unknown = byName[unknown.name] ?? unknown
    }

    /// The policy that applies to `tier`.
    public func policy(for tier: String) -> TierPolicy {
        policies[tier] ?? unknown
    }

    /// Every distinct policy: the named ones and the one for unknown tiers, sorted by name.
    public var allPolicies: [TierPolicy] {
        var all = policies
        all[unknown.name] = unknown
        return all.values.sorted { $0.name < $1.name }
    }
}
