import Foundation

/// What `GET /admin/usage` and `sluice usage` ask for: totals grouped one way, over a time range.
public struct UsageQuery: Sendable, Hashable {
    public var groupBy: UsageGrouping
    /// Inclusive lower bound on `startedAt`.
    public var since: Date?
    /// Exclusive upper bound on `startedAt`.
    public var until: Date?
    /// Only this key's requests.
    public var keyID: String?

    public init(groupBy: UsageGrouping, since: Date? = nil, until: Date? = nil, keyID: String? = nil) {
        self.groupBy = groupBy
        self.since = since
        self.until = until
        self.keyID = keyID
    }
}

/// How usage totals are grouped.
public enum UsageGrouping: String, Sendable, Hashable, Codable, CaseIterable {
    case key, owner, model, route, day
}

/// Totals for one group.
public struct UsageTotal: Sendable, Hashable, Codable {
    /// The key id, owner, model, route, or UTC day (`2026-11-23`); `-` for requests without a key.
    public var group: String
    public var requests: Int
    /// Requests answered with a status of 400 or more.
    public var errors: Int
    public var cacheHits: Int
    public var tokens: TokenCounts
    /// In the ledger's base currency.
    public var cost: Money

    public init(group: String, requests: Int, errors: Int, cacheHits: Int, tokens: TokenCounts, cost: Money) {
        self.group = group
        self.requests = requests
        self.errors = errors
        self.cacheHits = cacheHits
        self.tokens = tokens
        self.cost = cost
    }
}
