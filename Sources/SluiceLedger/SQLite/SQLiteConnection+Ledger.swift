import SQLiteNIO

extension SQLiteConnection {
    /// Runs one statement and collects its rows, turning a database error into ``LedgerError``.
    func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws(LedgerError) -> [SQLiteRow] {
        do {
            return try await query(sql, binds)
        } catch {
            throw LedgerError.sqlite(error)
        }
    }

    /// Runs one statement whose rows, if any, are not needed.
    func execute(_ sql: String, _ binds: [SQLiteData] = []) async throws(LedgerError) {
        _ = try await rows(sql, binds)
    }
}

extension SQLiteData {
    static func int64(_ value: Int64) -> SQLiteData { .integer(SQLiteInt64(value)) }
    static func int(_ value: Int) -> SQLiteData { .integer(SQLiteInt64(value)) }
    static func optionalInt64(_ value: Int64?) -> SQLiteData { value.map { .integer(SQLiteInt64($0)) } ?? .null }
    static func optionalInt(_ value: Int?) -> SQLiteData { value.map { .integer(SQLiteInt64($0)) } ?? .null }
    static func optionalText(_ value: String?) -> SQLiteData { value.map { .text($0) } ?? .null }
    static func bool(_ value: Bool) -> SQLiteData { .integer(value ? 1 : 0) }
}

extension LedgerError {
    /// A SQLite failure as the ledger reports it.
    static func sqlite(_ error: any Error) -> LedgerError {
        if let error = error as? LedgerError { return error }
        if let error = error as? SQLiteError { return .storeFailure("sqlite: \(error.description)") }
        return .storeFailure("sqlite: \(error)")
    }

    /// Whether `error` is a UNIQUE or PRIMARY KEY violation.
    static func isUniqueViolation(_ error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        switch error.reason {
        case .constraintUniqueFailed, .constraintPrimaryKeyFailed: return true
        default: return false
        }
    }
}
