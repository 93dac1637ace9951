import Foundation

/// Money set aside for one request before its upstream call, in the budget's currency. The store counts
/// it against the budget until the request settles (``Store/record(_:)``) or releases it
/// (``Store/release(_:)``), or until `expiresAt`, when a crashed gateway's reservations stop counting.
public struct BudgetReservation: Sendable, Hashable, Codable {
    public var id: String
    public var keyID: String
    /// The start of the budget period (seconds since 1970) the reservation is charged to.
    public var periodStart: Int64
    public var amount: Money
    public var expiresAt: Date

    public init(id: String, keyID: String, periodStart: Int64, amount: Money, expiresAt: Date) {
        self.id = id
        self.keyID = keyID
        self.periodStart = periodStart
        self.amount = amount
        self.expiresAt = expiresAt
    }
}

/// A request to reserve `amount` against `budget` for `keyID`.
public struct ReservationRequest: Sendable, Hashable {
    public var keyID: String
    public var budget: Budget
    public var amount: Money
    public var now: Date
    /// How long the reservation may stay open (the longest a request can run, plus a margin).
    public var lease: TimeInterval

    public init(keyID: String, budget: Budget, amount: Money, now: Date = Date(), lease: TimeInterval = 900) {
        self.keyID = keyID
        self.budget = budget
        self.amount = amount
        self.now = now
        self.lease = lease
    }

    public var periodStart: Int64 { budget.period.start(containing: now) }
}

/// A key's standing in one budget period.
public struct BudgetStatus: Sendable, Hashable, Codable {
    public var keyID: String
    public var periodStart: Int64
    /// Settled spend.
    public var spent: Money
    /// Open reservations.
    public var reserved: Money

    public init(keyID: String, periodStart: Int64, spent: Money, reserved: Money) {
        self.keyID = keyID
        self.periodStart = periodStart
        self.spent = spent
        self.reserved = reserved
    }
}
