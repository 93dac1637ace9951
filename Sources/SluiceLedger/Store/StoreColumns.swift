import Foundation

/// How both stores put values that SQL has no common type for into columns: instants as whole
/// microseconds since 1970 (exact integers that sort and compare in either dialect), and lists of
/// model names as JSON text.
enum StoreColumns {
    static let microsPerDay: Int64 = 86_400_000_000

    /// `date` in whole microseconds since 1970, rounded to the nearest.
    static func micros(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1_000_000).rounded()
        guard value.isFinite else { return value > 0 ? .max : .min }
        return Int64(exactly: value) ?? (value > 0 ? .max : .min)
    }

    /// The instant `micros` microseconds after 1970.
    static func date(micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    static func encodeModels(_ models: [String]) throws(LedgerError) -> String {
        do {
            return String(decoding: try JSONEncoder().encode(models), as: UTF8.self)
        } catch {
            throw .invalidArgument("allowed models cannot be stored: \(error)")
        }
    }

    static func decodeModels(_ text: String) throws(LedgerError) -> [String] {
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        } catch {
            throw .storeFailure("a stored key's allowed_models is not a JSON list of strings")
        }
    }

    /// The budget a key row describes: all three columns set, or none.
    static func budget(limitNanos: Int64?, currency: String?, period: String?) throws(LedgerError) -> Budget? {
        switch (limitNanos, currency, period) {
        case (nil, nil, nil):
            return nil
        case (let nanos?, let currency?, let period?):
            guard let period = BudgetPeriod(rawValue: period) else {
                throw .storeFailure("a stored key has an unknown budget period '\(period)'")
            }
            return Budget(limit: Money(nanos: nanos, currency: Currency(currency)), period: period)
        default:
            throw .storeFailure("a stored key has a partial budget (limit, currency and period must all be set)")
        }
    }
}
