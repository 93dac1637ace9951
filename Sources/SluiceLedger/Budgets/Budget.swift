import Foundation

/// A spend limit for one key: an amount per period.
public struct Budget: Sendable, Hashable, Codable {
    public var limit: Money
    public var period: BudgetPeriod

    public init(limit: Money, period: BudgetPeriod) {
        self.limit = limit
        self.period = period
    }
}

/// How often a budget starts again. Periods follow the UTC calendar.
public enum BudgetPeriod: String, Sendable, Hashable, Codable, CaseIterable {
    case day
    case month
    /// Never resets.
    case total

    /// The start of the period that contains `date`, in seconds since 1970 (0 for `total`).
    public func start(containing date: Date) -> Int64 {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        switch self {
        case .total:
            return 0
        case .day:
            return seconds - ((seconds % 86_400) + 86_400) % 86_400
        case .month:
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.year, .month], from: date)
            return Int64(calendar.date(from: parts)!.timeIntervalSince1970)
        }
    }
}
