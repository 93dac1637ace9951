import Foundation

/// One request, as the ledger keeps it.
public struct UsageRecord: Sendable, Hashable, Codable {
    /// The `x-sluice-request-id` (unique).
    public var requestID: String
    public var startedAt: Date
    /// The virtual key's id, or nil when keys are not required.
    public var keyID: String?
    /// The key's owner (user or team).
    public var owner: String?
    /// The route or model name the caller asked for.
    public var route: String
    /// The configured model that answered.
    public var model: String
    /// The backend and the upstream's own model id, such as `openai:deepseek-chat`.
    public var upstream: String
    /// The HTTP status returned to the caller.
    public var status: Int
    public var tokens: TokenCounts
    /// The cost in the model's price currency.
    public var cost: Money
    /// The same cost in the ledger's base currency (what totals add up).
    public var baseCost: Money
    /// Milliseconds from admission (the body read and checked) to the last byte.
    public var latencyMs: Int
    /// Milliseconds to the first byte of a streamed answer.
    public var ttftMs: Int?
    /// The experiment arm the request was assigned to, if any.
    public var experimentArm: String?
    /// Whether the answer came from the response cache (no upstream call, no cost).
    public var cacheHit: Bool

    public init(
        requestID: String, startedAt: Date, keyID: String?, owner: String?, route: String, model: String,
        upstream: String, status: Int, tokens: TokenCounts, cost: Money, baseCost: Money, latencyMs: Int,
        ttftMs: Int? = nil, experimentArm: String? = nil, cacheHit: Bool = false
    ) {
        self.requestID = requestID
        self.startedAt = startedAt
        self.keyID = keyID
        self.owner = owner
        self.route = route
        self.model = model
        self.upstream = upstream
        self.status = status
        self.tokens = tokens
        self.cost = cost
        self.baseCost = baseCost
        self.latencyMs = latencyMs
        self.ttftMs = ttftMs
        self.experimentArm = experimentArm
        self.cacheHit = cacheHit
    }
}

/// A usage record and, when the key has a budget, the reservation it settles.
public struct LedgerEntry: Sendable, Hashable {
    public var record: UsageRecord
    public var settlement: Settlement?

    public init(record: UsageRecord, settlement: Settlement? = nil) {
        self.record = record
        self.settlement = settlement
    }
}

/// Closes a reservation: its amount stops counting, and `charge` (the actual cost, in the budget's
/// currency) is added to the period's spend.
public struct Settlement: Sendable, Hashable {
    public var reservation: BudgetReservation
    public var charge: Money

    public init(reservation: BudgetReservation, charge: Money) {
        self.reservation = reservation
        self.charge = charge
    }
}
