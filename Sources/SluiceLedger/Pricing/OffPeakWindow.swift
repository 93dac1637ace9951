import Foundation

/// A daily UTC window with a discount, such as DeepSeek's off-peak hours (16:30–00:30 UTC, 50% off).
///
/// A window whose end is before its start runs past midnight. The start minute is inside the window and
/// the end minute is not.
public struct OffPeakWindow: Sendable, Hashable {
    /// Minutes after 00:00 UTC.
    public var startMinute: Int
    public var endMinute: Int
    /// The discount in basis points (5000 = 50% off).
    public var discountBasisPoints: Int

    public init(startMinute: Int, endMinute: Int, discountBasisPoints: Int) throws(LedgerError) {
        guard (0..<1440).contains(startMinute), (0...1440).contains(endMinute), startMinute != endMinute else {
            throw .invalidArgument("off-peak window must have distinct start and end times within a day")
        }
        guard (0...10_000).contains(discountBasisPoints) else {
            throw .invalidArgument("off-peak discount must be between 0% and 100%")
        }
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.discountBasisPoints = discountBasisPoints
    }

    /// Parses `"16:30"`, `"00:30"` and a percentage such as `"50"` or `"50%"` (up to two decimals).
    public init(start: String, end: String, discountPercent: String) throws(LedgerError) {
        func minutes(_ text: String) throws(LedgerError) -> Int {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
                  (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 1440
            else { throw .invalidArgument("off-peak time must be HH:MM (UTC), got '\(text)'") }
            return hours * 60 + minutes
        }
        let percent = discountPercent.hasSuffix("%") ? String(discountPercent.dropLast()) : discountPercent
        guard let nanos = DecimalText.nanos(percent), nanos % 10_000_000 == 0 else {
            throw .invalidArgument("off-peak discount must be a percentage with at most two decimals, got '\(discountPercent)'")
        }
        try self.init(
            startMinute: try minutes(start), endMinute: try minutes(end) % 1440 == 0 ? 1440 : try minutes(end),
            discountBasisPoints: Int(nanos / 10_000_000))
    }

    /// Whether `date` falls inside the window.
    public func contains(_ date: Date) -> Bool {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let minute = ((seconds % 86_400 + 86_400) % 86_400) / 60
        if startMinute < endMinute { return minute >= startMinute && minute < endMinute }
        return minute >= startMinute || minute < endMinute
    }
}
