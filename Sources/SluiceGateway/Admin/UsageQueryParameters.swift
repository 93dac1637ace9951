import Foundation
import Hummingbird
import SluiceLedger

/// Reads `group_by`, `since`, `until` and `key` for a usage report (the admin API and `sluice usage`).
public enum UsageQueryParameters {
    /// A query from URL parameters; dates are `YYYY-MM-DD` (UTC midnight) or RFC 3339.
    static func query(from parameters: Hummingbird.Parameters) throws -> UsageQuery {
        try query(
            groupBy: parameters.get("group_by"), since: parameters.get("since"), until: parameters.get("until"),
            keyID: parameters.get("key"))
    }

    /// A query from text values, checking each.
    public static func query(groupBy: String?, since: String?, until: String?, keyID: String?) throws -> UsageQuery {
        let grouping = groupBy ?? "model"
        guard let group = UsageGrouping(rawValue: grouping) else {
            throw LedgerError.invalidArgument(
                "group_by must be one of \(UsageGrouping.allCases.map(\.rawValue).joined(separator: ", ")), got '\(grouping)'")
        }
        return UsageQuery(
            groupBy: group, since: try since.map { try date($0, "since") }, until: try until.map { try date($0, "until") },
            keyID: keyID)
    }

    static func date(_ text: String, _ name: String) throws -> Date {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return date }
        throw LedgerError.invalidArgument("\(name) must be YYYY-MM-DD or an RFC 3339 time, got '\(text)'")
    }
}
